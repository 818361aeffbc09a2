import { inject } from 'vitest';
import { parseKey } from '../src/secrets/key.ts';
import { Secrets } from '../src/secrets/secrets.ts';

/** The run's keys for stored secrets, the same in every test file (see global-setup.ts). */
export function testSecrets(): Secrets {
  const key = parseKey(inject('secretsKey'));
  if (!key) throw new Error('The run was given no secrets key');
  return new Secrets(key);
}
