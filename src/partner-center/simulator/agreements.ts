import type { Router } from 'express';
import { z } from 'zod';
import type { AgreementMetadata } from '../partner-center.ts';
import { collection, guid, relatedCustomer, text } from './access.ts';
import type { Core } from './core.ts';
import { fail, SimulatedFailure } from './failures.ts';
import { defineOperation, parse } from './pipeline.ts';

/** The simulator's own template ids; a client reads them from the metadata call, as it must. */
const templates = {
  MicrosoftCustomerAgreement: '5b0c1c6a-3f0e-4a8e-9d2b-6f1f7c1e2a40',
  MicrosoftCloudAgreement: '0d6a2f53-8c4e-4b7a-a1d9-3e5c9b7f6d21',
} as const;
type AgreementType = keyof typeof templates;
const agreementTypes = Object.keys(templates) as AgreementType[];

function metadata(core: Core, type: AgreementType) {
  return {
    templateId: templates[type],
    agreementType: type,
    agreementLink: `${core.baseUrl()}/agreements/${type}`,
    versionRank: 0,
  } satisfies Omit<AgreementMetadata, 'agreementType'> & { agreementType: AgreementType };
}

/**
 * Without `agreementType` Partner Center answers for the Microsoft Cloud Agreement, "for
 * backward compatibility"; `*` asks for every type ("Get agreement metadata").
 */
function requestedTypes(query: Record<string, unknown>): AgreementType[] {
  const asked = query.agreementType;
  if (asked === undefined) return ['MicrosoftCloudAgreement'];
  if (asked === '*') return agreementTypes;
  const type = agreementTypes.find((t) => t === asked);
  if (!type)
    throw fail.invalid(
      'agreementType must be MicrosoftCustomerAgreement, MicrosoftCloudAgreement or *.',
    );
  return [type];
}

/** Today's date, or a date and time; either way not after the moment it is recorded. */
const dateAgreed = z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]);

const agreementSchema = z.object({
  primaryContact: z.object({
    firstName: text(100),
    lastName: text(100),
    email: z.email().max(256),
    phoneNumber: z.string().trim().max(32).optional(),
  }),
  dateAgreed,
  templateId: guid,
  type: z.enum(agreementTypes),
});

/**
 * 600002 is what Partner Center answers for a dateAgreed after today ("Date of agreement
 * cannot be greater than the current date", as partners met it with New-PartnerCustomerAgreement,
 * microsoft/Partner-Center-PowerShell#26).
 */
function refuseFutureDate(value: string, now: Date): void {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const future = dateOnly
    ? value > now.toISOString().slice(0, 10)
    : Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`) > now.getTime();
  if (future) {
    throw new SimulatedFailure(
      400,
      '600002',
      'The date the agreement was accepted is in the future.',
    );
  }
}

export function agreementRoutes(router: Router, core: Core): void {
  const api = 'partnerCenter' as const;

  defineOperation(
    router,
    core,
    { name: 'getAgreementMetadata', method: 'get', path: '/v1/agreements', api },
    (call) => {
      const items = requestedTypes(call.query).map((t) => metadata(core, t));
      return { status: 200, body: collection(items, '/agreements') };
    },
  );

  defineOperation(
    router,
    core,
    { name: 'createAgreement', method: 'post', path: '/v1/customers/:customerId/agreements', api },
    (call) => {
      const body = parse(agreementSchema, call.body);
      const customer = relatedCustomer(core, call.params.customerId ?? '', call.account);
      if (body.templateId !== templates[body.type]) {
        throw fail.invalid(`Template ${body.templateId} is not the current ${body.type}.`);
      }
      refuseFutureDate(body.dateAgreed, call.now);
      // "Partner Center allows creating another agreement" only when the contact changed:
      // first name, last name, email or phone number (Confirm customer acceptance of the MCA).
      const contact = body.primaryContact;
      const same = customer.agreements.some(
        (a) =>
          a.type === body.type &&
          a.primaryContact.firstName === contact.firstName &&
          a.primaryContact.lastName === contact.lastName &&
          a.primaryContact.email === contact.email &&
          (a.primaryContact.phoneNumber ?? '') === (contact.phoneNumber ?? ''),
      );
      if (same) {
        throw new SimulatedFailure(
          409,
          '600061',
          'This customer already has an agreement confirmed by a partner with the same contact.',
        );
      }
      const agreement = {
        userId: call.account.userId,
        primaryContact: contact,
        templateId: body.templateId,
        dateAgreed: body.dateAgreed,
        type: body.type as 'MicrosoftCustomerAgreement',
      };
      customer.agreements.push(agreement);
      call.effect('createAgreement', customer.tenantId);
      return { status: 201, body: agreement };
    },
  );

  defineOperation(
    router,
    core,
    { name: 'listAgreements', method: 'get', path: '/v1/customers/:customerId/agreements', api },
    (call) => {
      const customer = relatedCustomer(core, call.params.customerId ?? '', call.account);
      const types = requestedTypes(call.query);
      const items = customer.agreements.filter((a) => types.includes(a.type));
      return { status: 200, body: collection(items, `/customers/${customer.tenantId}/agreements`) };
    },
  );

  defineOperation(
    router,
    core,
    {
      name: 'getDirectSignedMcaStatus',
      method: 'get',
      path: '/v1/customers/:customerId/directSignedMicrosoftCustomerAgreementStatus',
      api,
    },
    (call) => {
      const customer = relatedCustomer(core, call.params.customerId ?? '', call.account);
      return { status: 200, body: { isSigned: customer.signedMcaDirectly } };
    },
  );
}
