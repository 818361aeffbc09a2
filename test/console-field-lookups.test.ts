import { describe, expect, it } from 'vitest';
import { findDefinition } from '../machines/registry.ts';
import {
  fieldsOf,
  hasField,
  payloadOf,
  withChoices,
  type Field,
  type JsonSchema,
} from '../src/console/ui/schema-form.ts';
import { describeMachine } from '../src/engine/introspection.ts';
import { jsonSchema } from '../src/http/openapi.ts';

/** An event's schema exactly as `GET /v1/machines/{name}` serves it to the console. */
function served(machine: string, type: string): JsonSchema {
  const definition = findDefinition(machine);
  if (!definition) throw new Error(`no machine ${machine}`);
  const described = describeMachine(definition, (schema) => jsonSchema(schema, 'input'));
  const event = described.events.find((e) => e.type === type);
  if (!event) throw new Error(`no event ${type}`);
  return event.schema as JsonSchema;
}

const providers = [
  { value: 'prv_a', label: 'Northwind (DE, PartnerID 1234567)' },
  { value: 'prv_b', label: 'Adatum (US, PartnerID 7654321)' },
];

describe('fields that name a record, offered as a choice of the records', () => {
  it('when an event asks for a providerId, then it becomes a choice of the providers, by name, and sends the id chosen', () => {
    const fields = withChoices(
      fieldsOf(served('transition', 'PARTNERSHIP_REQUESTED')),
      'providerId',
      providers,
    );
    expect(fields).toEqual([
      {
        name: 'providerId',
        path: 'providerId',
        required: true,
        kind: 'choice',
        options: ['prv_a', 'prv_b'],
        labels: {
          prv_a: 'Northwind (DE, PartnerID 1234567)',
          prv_b: 'Adatum (US, PartnerID 7654321)',
        },
      },
    ]);
    expect(payloadOf('PARTNERSHIP_REQUESTED', fields, new Map([['providerId', 'prv_b']]))).toEqual({
      type: 'PARTNERSHIP_REQUESTED',
      providerId: 'prv_b',
    });
    // Nothing chosen: left out, for the server's refusal to name the field.
    expect(payloadOf('PARTNERSHIP_REQUESTED', fields, new Map([['providerId', '']]))).toEqual({
      type: 'PARTNERSHIP_REQUESTED',
    });
  });

  it('when a field of that name sits in a group, or is not text, then only a text one changes', () => {
    const fields: Field[] = [
      {
        name: 'partnership',
        path: 'partnership',
        required: false,
        kind: 'group',
        nullable: false,
        fields: [
          {
            name: 'providerId',
            path: 'partnership.providerId',
            required: false,
            kind: 'text',
            input: 'text',
          },
        ],
      },
      { name: 'providerId', path: 'providerId', required: false, kind: 'json' },
      { name: 'reason', path: 'reason', required: false, kind: 'text', input: 'text' },
    ];
    expect(hasField(fields, 'providerId')).toBe(true);
    expect(hasField(fields, 'customerId')).toBe(false);
    const changed = withChoices(fields, 'providerId', providers);
    const group = changed[0];
    expect(group?.kind === 'group' && group.fields[0]).toMatchObject({
      kind: 'choice',
      path: 'partnership.providerId',
      options: ['prv_a', 'prv_b'],
    });
    expect(changed.slice(1)).toEqual(fields.slice(1));
  });

  it('when the events of the machines are read, then each providerId the console asks for is a text field it can offer choices for', () => {
    for (const type of [
      'PARTNERSHIP_REQUESTED',
      'PROVIDER_INVITATION_SENT',
      'PROVIDER_DECLINED',
      'PROVIDER_INVITATION_ACCEPTED',
    ]) {
      const fields = fieldsOf(served('transition', type));
      expect(fields.find((f) => f.name === 'providerId')?.kind, type).toBe('text');
    }
  });
});
