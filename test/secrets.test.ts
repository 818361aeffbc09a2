import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKey, keyIdOf, parseKey } from '../src/secrets/key.ts';
import { keyFileName, loadSecrets, SecretsKeyMissing } from '../src/secrets/load.ts';
import { StoredSecretsUnreadable } from '../src/secrets/reseal.ts';
import { isSealed, SecretUnreadable, Secrets } from '../src/secrets/secrets.ts';
import { prepareDatabase } from '../src/service.ts';
import type { SubscriptionRow } from '../src/store/webhook-subscriptions.ts';
import { signingSecrets } from '../src/webhooks/handlers.ts';
import { signatureHeaders } from '../src/webhooks/signature.ts';
import { as, startHarness, type Harness } from './harness.ts';

/** The key the harness seals with, as the run provides it. */
const runKey = () => parseKey(inject('secretsKey'))!;
const keyA = parseKey(generateKey())!;
const keyB = parseKey(generateKey())!;
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('keys', () => {
  it('when a key is written as 64 hex digits or base64 of 32 bytes, then it is read; anything else is refused', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(parseKey(bytes.toString('hex'))).toEqual(bytes);
    expect(parseKey(bytes.toString('hex').toUpperCase())).toEqual(bytes);
    expect(parseKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseKey(bytes.toString('base64url'))).toEqual(bytes);
    expect(parseKey(` ${bytes.toString('base64')}\n`)).toEqual(bytes);
    for (const bad of [
      '',
      'correct horse battery staple',
      Buffer.alloc(16).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      Buffer.alloc(31).toString('hex'),
      'z'.repeat(64),
    ]) {
      expect(parseKey(bad), bad).toBeUndefined();
    }
  });

  it('when a value is sealed, then it carries the format’s version and the key’s id, differs every time, and opens again', () => {
    const secrets = new Secrets(keyA);
    const one = secrets.seal('whsec_abc', 'here');
    const two = secrets.seal('whsec_abc', 'here');
    expect(one).toMatch(new RegExp(`^enc:v1:${keyIdOf(keyA)}:`));
    expect(one).not.toBe(two);
    expect(one).not.toContain('whsec_abc');
    expect(isSealed(one)).toBe(true);
    expect(secrets.open(one, 'here')).toBe('whsec_abc');
    expect(secrets.open(secrets.seal('', 'here'), 'here')).toBe('');
  });

  it('when a sealed value is moved elsewhere or changed, then it does not open, and the error says so without the value', () => {
    const secrets = new Secrets(keyA);
    const sealed = secrets.seal('whsec_abc', 'webhook_subscriptions:whk_1:signing secret');
    expect(() => secrets.open(sealed, 'webhook_subscriptions:whk_2:signing secret')).toThrow(
      /does not open under key .* changed or copied/,
    );
    const parts = sealed.split(':');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[4] = body.toString('base64url');
    expect(() =>
      secrets.open(parts.join(':'), 'webhook_subscriptions:whk_1:signing secret'),
    ).toThrow(SecretUnreadable);
    expect(() => secrets.open('whsec_abc', 'x')).toThrow(/is not sealed/);
  });

  it('when a value was sealed under another key, then it opens with that key as the previous one, and not without it', () => {
    const sealed = new Secrets(keyA).seal('refresh', 'ctx');
    const rotated = new Secrets(keyB, keyA);
    expect(rotated.open(sealed, 'ctx')).toBe('refresh');
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('refresh', 'ctx'))).toBe(true);
    const error = (() => {
      try {
        new Secrets(keyB).open(sealed, 'ctx');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SecretUnreadable);
    expect(error!.message).toContain(`sealed under key ${keyIdOf(keyA)}`);
    expect(error!.message).toContain(`SECRETS_KEY (key ${keyIdOf(keyB)})`);
    expect(error!.message).toContain('set SECRETS_KEY_PREVIOUS');
  });
});

describe('where the key comes from', () => {
  const folder = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tiershift-secrets-'));
    folders.push(dir);
    return dir;
  };

  it('when SECRETS_KEY is set, then it is the key, and SECRETS_KEY_PREVIOUS the one before', () => {
    const warnings: string[] = [];
    const secrets = loadSecrets(
      {
        SECRETS_KEY: keyB.toString('hex'),
        SECRETS_KEY_PREVIOUS: keyA.toString('base64'),
        DATABASE_URL: 'postgres://db/x',
        DATA_DIR: './data',
      },
      (m) => warnings.push(m),
    );
    expect(secrets.keyId).toBe(keyIdOf(keyB));
    expect(secrets.previousKeyId).toBe(keyIdOf(keyA));
    expect(warnings).toEqual([]);
  });

  it('when Postgres is used without SECRETS_KEY, then the start stops, saying how to make one', () => {
    expect(() =>
      loadSecrets({ DATABASE_URL: 'postgres://db/x', DATA_DIR: './data' }, () => {}),
    ).toThrow(SecretsKeyMissing);
    expect(() =>
      loadSecrets({ DATABASE_URL: 'postgres://db/x', DATA_DIR: './data' }, () => {}),
    ).toThrow(/SECRETS_KEY is required with DATABASE_URL.*openssl rand -base64 32/);
  });

  it('when the embedded database has no SECRETS_KEY, then a key is generated once into DATA_DIR, readable by this user alone, with a warning', () => {
    const dataDir = folder();
    const warnings: string[] = [];
    const first = loadSecrets({ DATA_DIR: dataDir }, (m) => warnings.push(m));
    const file = path.join(dataDir, keyFileName);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings.join()).toContain(file);
    const again = loadSecrets({ DATA_DIR: dataDir }, () => {});
    expect(again.keyId).toBe(first.keyId);
    expect(again.open(first.seal('x', 'c'), 'c')).toBe('x');
    expect(keyIdOf(parseKey(readFileSync(file, 'utf8'))!)).toBe(first.keyId);
  });

  it('when the key file holds no key, then the start stops naming the file', () => {
    const dataDir = folder();
    writeFileSync(path.join(dataDir, keyFileName), 'not a key\n', { mode: 0o600 });
    expect(() => loadSecrets({ DATA_DIR: dataDir }, () => {})).toThrow(
      new RegExp(`${keyFileName}: expected 32 random bytes`),
    );
  });
});

describe('stored secrets', () => {
  let h: Harness;
  beforeAll(async () => {
    // A database of its own: a start here seals every row it finds under keys of its own.
    h = await startHarness({ ownDatabase: true });
  });
  afterAll(async () => h?.close());

  async function newWebhook(): Promise<{ id: string; secret: string }> {
    const res = await as(h.app, h.adminToken).post('/v1/webhooks', {
      url: 'https://93.184.216.34/hook',
      events: ['workflow.state_changed'],
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  }
  const row = async (id: string) =>
    (await h.db<SubscriptionRow>('webhook_subscriptions').where({ id }).first())!;

  it('when a webhook is created or rotated, then its secrets are stored sealed, and deliveries are signed with the secrets shown', async () => {
    const hook = await newWebhook();
    const stored = await row(hook.id);
    expect(stored.secret).toMatch(new RegExp(`^enc:v1:${h.secrets.keyId}:`));
    expect(stored.secret).not.toContain(hook.secret);
    expect(stored.secret).not.toContain(hook.secret.slice('whsec_'.length));

    const rotated = await as(h.app, h.adminToken).post(`/v1/webhooks/${hook.id}/rotate`, {
      overlapSeconds: 3600,
    });
    expect(rotated.status).toBe(201);
    const newSecret = (rotated.body as { secret: string }).secret;
    const after = await row(hook.id);
    expect(after.previous_secret).toBe(stored.secret);
    expect(JSON.stringify(after)).not.toContain(newSecret.slice('whsec_'.length));

    const opened = signingSecrets(after, h.clock.now(), h.secrets);
    expect(opened).toEqual([newSecret, hook.secret]);
    const headers = signatureHeaders('msg_1', new Date(), '{"a":1}', opened);
    for (const secret of [newSecret, hook.secret]) {
      expect(() => new Webhook(secret).verify('{"a":1}', headers)).not.toThrow();
    }
  });

  it('when rows hold secrets in the clear from before sealing, then the start seals them, and they sign as before', async () => {
    const hook = await newWebhook();
    const clear = 'whsec_' + Buffer.alloc(32, 9).toString('base64');
    const until = new Date(h.clock.now().getTime() + 3600_000);
    await h.db('webhook_subscriptions').where({ id: hook.id }).update({
      secret: clear,
      previous_secret: hook.secret,
      previous_secret_expires_at: until,
    });
    // Deliveries keep working meanwhile: an instance of the build before may have written it.
    expect(signingSecrets(await row(hook.id), h.clock.now(), h.secrets)).toEqual([
      clear,
      hook.secret,
    ]);

    const { resealed } = await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets });
    expect(resealed).toBe(2);
    const sealed = await row(hook.id);
    expect(h.secrets.isCurrent(sealed.secret)).toBe(true);
    expect(h.secrets.isCurrent(sealed.previous_secret!)).toBe(true);
    expect(signingSecrets(sealed, h.clock.now(), h.secrets)).toEqual([clear, hook.secret]);

    // Nothing left to do, and nothing done.
    expect((await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets })).resealed).toBe(0);
  });

  it('when SECRETS_KEY changes and the old key is SECRETS_KEY_PREVIOUS, then the start seals every value again under the new key', async () => {
    const hook = await newWebhook();
    const newKey = parseKey(generateKey())!;
    const rotated = new Secrets(newKey, runKey());
    const { resealed } = await prepareDatabase(h.db, { clock: h.clock, secrets: rotated });
    expect(resealed).toBeGreaterThanOrEqual(1);
    const all = await h.db<SubscriptionRow>('webhook_subscriptions');
    for (const r of all) {
      expect(r.secret).toMatch(new RegExp(`^enc:v1:${rotated.keyId}:`));
    }
    // The old key is no longer needed.
    const newOnly = new Secrets(newKey);
    expect(signingSecrets(await row(hook.id), h.clock.now(), newOnly)).toEqual([hook.secret]);
    // Back to the run's key, for the tests after.
    await prepareDatabase(h.db, { clock: h.clock, secrets: new Secrets(runKey(), newKey) });
  });

  it('when no configured key opens a stored secret, then the start stops naming the key it needs, and nothing is changed', async () => {
    await newWebhook();
    const before = await h.db<SubscriptionRow>('webhook_subscriptions').orderBy('id');
    const stranger = new Secrets(keyB);
    const error = await prepareDatabase(h.db, { clock: h.clock, secrets: stranger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoredSecretsUnreadable);
    const message = (error as Error).message;
    expect(message).toContain(`webhook signing secrets sealed under key ${h.secrets.keyId}`);
    expect(message).toContain(`SECRETS_KEY is key ${stranger.keyId}`);
    expect(message).toContain('Set SECRETS_KEY_PREVIOUS');
    expect(await h.db<SubscriptionRow>('webhook_subscriptions').orderBy('id')).toEqual(before);
  });
});
