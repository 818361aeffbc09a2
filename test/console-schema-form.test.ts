import { describe, expect, it } from 'vitest';
import { findDefinition } from '../machines/registry.ts';
import { fieldsOf, payloadOf, type JsonSchema } from '../src/console/ui/schema-form.ts';
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

const values = (entries: Record<string, string | boolean>) => new Map(Object.entries(entries));

describe('event forms drawn from the served schemas', () => {
  const profileFields = fieldsOf(served('enrollment', 'UPDATE_PROFILE'));

  it('when an event changes any subset of a profile, then optional yes/no fields, groups, and no field for the type', () => {
    const kinds = Object.fromEntries(profileFields.map((f) => [f.name, f.kind]));
    expect(kinds).toEqual({
      maicppMember: 'yesNo',
      plaVerified: 'yesNo',
      mfaEnforced: 'yesNo',
      securityContact: 'group',
      businessEmail: 'text',
      enrollingUser: 'group',
    });
    const contact = profileFields.find((f) => f.name === 'securityContact');
    expect(contact).toMatchObject({ nullable: true, required: false });
    const user = profileFields.find((f) => f.name === 'enrollingUser');
    expect(user?.kind === 'group' && user.fields.map((f) => [f.path, f.kind])).toEqual([
      ['enrollingUser.name', 'text'],
      ['enrollingUser.email', 'text'],
      ['enrollingUser.globalAdmin', 'flag'],
      ['enrollingUser.authorityToSign', 'flag'],
    ]);
  });

  it('when only some fields are filled in, then only those are sent and the rest of the profile is kept', () => {
    expect(
      payloadOf(
        'UPDATE_PROFILE',
        profileFields,
        values({
          maicppMember: 'yes',
          mfaEnforced: 'no',
          plaVerified: '',
          businessEmail: 'partner.ops@contoso-it.com',
          'securityContact.name': '',
          'securityContact.email': '',
          'enrollingUser.name': '',
          'enrollingUser.email': '',
          'enrollingUser.globalAdmin': false,
          'enrollingUser.authorityToSign': false,
        }),
      ),
    ).toEqual({
      type: 'UPDATE_PROFILE',
      maicppMember: true,
      mfaEnforced: false,
      businessEmail: 'partner.ops@contoso-it.com',
    });
  });

  it('when part of a group is filled in, then the group is sent whole, its unticked boxes as no', () => {
    expect(
      payloadOf(
        'UPDATE_PROFILE',
        profileFields,
        values({ 'enrollingUser.name': 'Gail', 'enrollingUser.authorityToSign': true }),
      ),
    ).toEqual({
      type: 'UPDATE_PROFILE',
      enrollingUser: { name: 'Gail', globalAdmin: false, authorityToSign: true },
    });
  });

  it('when a required text field is left empty, then it is left out for the server to name it', () => {
    const fields = fieldsOf(served('enrollment', 'ACCEPT_AGREEMENT'));
    expect(fields).toEqual([
      {
        name: 'agreementVersion',
        path: 'agreementVersion',
        required: true,
        kind: 'text',
        input: 'text',
        maxLength: 100,
      },
    ]);
    expect(payloadOf('ACCEPT_AGREEMENT', fields, values({ agreementVersion: '' }))).toEqual({
      type: 'ACCEPT_AGREEMENT',
    });
  });

  it('when an event takes dates, emails, enums, integers and lists, then each has its input and its type in the body', () => {
    const recorded = fieldsOf(served('mcaReacceptance', 'ACCEPTANCE_RECORDED'));
    expect(recorded.find((f) => f.name === 'dateAgreed')).toMatchObject({ input: 'date' });
    const acceptedBy = recorded.find((f) => f.name === 'acceptedBy');
    expect(acceptedBy?.kind === 'group' && acceptedBy.fields[2]).toMatchObject({
      path: 'acceptedBy.email',
      input: 'email',
    });
    const consent = fieldsOf(served('resellerRelationship', 'CONSENT_GRANTED'));
    expect(consent.find((f) => f.name === 'method')).toMatchObject({
      kind: 'choice',
      options: ['customer_link', 'signed_form', 'recorded_call', 'email'],
    });
    const planned = fieldsOf(served('transition', 'CUSTOMERS_PLANNED'));
    expect(payloadOf('CUSTOMERS_PLANNED', planned, values({ count: '12' }))).toEqual({
      type: 'CUSTOMERS_PLANNED',
      count: 12,
    });
    // Not a whole number: sent as typed, and the server's refusal says what it must be.
    expect(payloadOf('CUSTOMERS_PLANNED', planned, values({ count: '1.5' }))).toEqual({
      type: 'CUSTOMERS_PLANNED',
      count: '1.5',
    });
    const retry = fieldsOf(served('subscriptionTransfer', 'RETRY'));
    expect(retry[0]).toMatchObject({ kind: 'lines', required: true });
    expect(payloadOf('RETRY', retry, values({ subscriptionIds: ' sub-1 \n\nsub-2\n' }))).toEqual({
      type: 'RETRY',
      subscriptionIds: ['sub-1', 'sub-2'],
    });
  });

  it('when a required boolean is left unticked, then it is sent as false; a required nullable group left empty as null', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        type: { const: 'X' },
        confirmed: { type: 'boolean' },
        contact: {
          anyOf: [
            { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
            { type: 'null' },
          ],
        },
        extra: { type: 'object' },
      },
      required: ['type', 'confirmed', 'contact'],
    };
    const fields = fieldsOf(schema);
    expect(fields.map((f) => f.kind)).toEqual(['flag', 'group', 'json']);
    expect(
      payloadOf('X', fields, values({ confirmed: false, 'contact.name': '', extra: '' })),
    ).toEqual({ type: 'X', confirmed: false, contact: null });
    expect(payloadOf('X', fields, values({ confirmed: true, extra: '{"a": 1}' }))).toEqual({
      type: 'X',
      confirmed: true,
      contact: null,
      extra: { a: 1 },
    });
  });
});
