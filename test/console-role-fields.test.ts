import { describe, expect, it } from 'vitest';
import type { Schema } from '../src/client/index.ts';
import { findDefinition } from '../machines/registry.ts';
import { fieldsForRole } from '../src/console/ui/role-fields.ts';
import { fieldsOf, type JsonSchema } from '../src/console/ui/schema-form.ts';
import { describeMachine } from '../src/engine/introspection.ts';
import { jsonSchema } from '../src/http/openapi.ts';

/** An event's fields exactly as the console draws them from `GET /v1/machines/{name}`. */
function fields(machine: string, type: string) {
  const definition = findDefinition(machine)!;
  const described = describeMachine(definition, (schema) => jsonSchema(schema, 'input'));
  return fieldsOf(described.events.find((e) => e.type === type)!.schema as JsonSchema);
}

type Caller = Schema<'Caller'>;

const caller = (role: Caller['role'], extra: Partial<Caller> = {}): Caller => ({
  id: 'prn_1',
  name: role,
  role,
  partnerId: null,
  providerId: null,
  expiresAt: null,
  ...extra,
});

describe('event forms by role', () => {
  it('when a provider opens an event sent in its own name, then its id is not asked but sent', () => {
    const provider = caller('provider', { providerId: 'prv_own' });
    const sent = fieldsForRole(provider, fields('transition', 'PROVIDER_DECLINED'));
    expect(sent.fields.map((f) => f.name)).toEqual(['reason']);
    expect(sent.preset).toEqual({ providerId: 'prv_own' });
  });

  it('when a manager asks a provider for a partnership, then it chooses the provider itself', () => {
    const asked = fieldsForRole(caller('manager'), fields('transition', 'PARTNERSHIP_REQUESTED'));
    expect(asked.fields.map((f) => f.name)).toEqual(['providerId']);
    expect(asked.preset).toEqual({});
  });

  it('when the partner records a consent, then the method only a consent link records is not offered', () => {
    const { fields: shown } = fieldsForRole(
      caller('manager'),
      fields('resellerRelationship', 'CONSENT_GRANTED'),
    );
    expect(shown.find((f) => f.name === 'method')).toMatchObject({
      kind: 'choice',
      options: ['signed_form', 'recorded_call', 'email'],
    });
  });
});
