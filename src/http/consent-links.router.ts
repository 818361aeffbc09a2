import { randomBytes } from 'node:crypto';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { consentStatements } from '../../machines/reseller-relationship/consent-statements.ts';
import { principalOf, requireRole } from '../auth/authenticate.ts';
import { partnerRoles, type Principal } from '../auth/principal.ts';
import { canSeePartner } from '../auth/scope.ts';
import { definitionOf, restore, type Engine } from '../engine/engine.ts';
import { sha256Hex } from '../engine/hash.ts';
import { Conflict, EventNotAllowed, NotFound } from '../errors.ts';
import { unstorableInput } from './text-guard.ts';
import { newId } from '../ids.ts';
import {
  closeConsentRequests,
  consentRequestStatus,
  findConsentRequest,
  findConsentRequestById,
  insertConsentRequest,
  listConsentRequests,
  listConsents,
  type ConsentRequestRow,
  type ConsentRow,
} from '../store/consents.ts';
import type { Database } from '../store/database.ts';
import { findCustomer } from '../store/moves.ts';
import { findPartner } from '../store/partners.ts';
import { findProvider } from '../store/providers.ts';
import { findWorkflow, lockWorkflowAfterAncestors, type WorkflowRow } from '../store/workflows.ts';
import { consentForm, messagePage } from './consent-page.ts';
import { idempotentCreate, sendStored } from './idempotent-create.ts';
import { apiSchema } from './api-schema.ts';
import type { ApiCatalog } from './openapi.ts';
import { revealSealed, seal } from './sealed-secret.ts';
import { parseWith } from './validate.ts';
import { visibleWorkflow } from './visible-workflow.ts';

const statementVersion = 'rre-consent-v1';
const dayMs = 24 * 60 * 60 * 1000;

const createRequest = z.strictObject({
  expiresInDays: z.number().int().min(1).max(60).default(14),
});
const consentRequestCreated = apiSchema(
  'ConsentRequestCreated',
  z.object({
    id: z.string(),
    workflowId: z.string(),
    url: z.string().describe('one-time link for the customer; shown once'),
    expiresAt: z.string(),
  }),
);
const consentRequestView = apiSchema(
  'ConsentRequest',
  z.object({
    id: z.string(),
    workflowId: z.string(),
    status: z.enum(['open', 'used', 'expired', 'revoked']),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    usedAt: z.string().nullable(),
    answer: z.string().nullable().describe('granted | declined, once used'),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
    revocationReason: z.string().nullable(),
  }),
);
const consent = apiSchema(
  'Consent',
  z.object({
    id: z.string(),
    partnerId: z.string(),
    customerId: z.string(),
    providerId: z.string().nullable(),
    workflowId: z.string(),
    scope: z.array(z.string()),
    decision: z
      .enum(['granted', 'declined'])
      .describe('a revoked consent keeps `granted`, with `revokedAt`'),
    statementVersion: z.string().nullable(),
    statementHash: z.string().nullable().describe('SHA-256 of the statement the customer saw'),
    grantedBy: z.object({ name: z.string(), email: z.string().nullable() }).nullable(),
    method: z.string().nullable(),
    evidenceRef: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    recordedBy: z.string(),
    reason: z.string().nullable(),
    decidedAt: z.string(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
    revocationReason: z.string().nullable(),
  }),
);
const html = { 'text/html': { schema: { type: 'string' } } };
const revokeRequest = z.strictObject({
  reason: z.string().trim().min(1).max(500).default('revoked by the partner'),
});
const consentsQuery = z.strictObject({
  customerId: z.string().optional(),
  workflowId: z.string().optional(),
});
const answerForm = z.object({
  decision: z.enum(['consent', 'decline']),
  name: z.string().trim().max(200).default(''),
  email: z.string().trim().max(254).default(''),
  reason: z.string().trim().max(2000).default(''),
});

interface Deps {
  db: Database;
  engine: Engine;
  catalog: ApiCatalog;
  /** Links are built from this alone, never from the request's Host header. */
  publicUrl: string;
}

/** Consent links: created by the partner, answered by the customer in a plain page. */
export function createConsentLinkRouter({ db, engine, catalog, publicUrl }: Deps): Router {
  const router = Router();

  catalog.add({
    method: 'post',
    path: '/v1/workflows/:id/consent-requests',
    operationId: 'createConsentRequest',
    tag: 'Consent',
    summary: 'A one-time consent link for the customer of a relationship awaiting consent',
    roles: 'manager, global_admin of the partner',
    body: createRequest,
    examples: {
      readme: {
        summary: 'A link valid for two weeks',
        value: {
          expiresInDays: 14,
        },
      },
    },
    response: { status: 201, schema: consentRequestCreated },
    errors: [401, 403, 404, 409, 422],
    idempotent: true,
  });
  router.post('/v1/workflows/:id/consent-requests', async (req, res) => {
    const principal = principalOf(req);
    const response = await idempotentCreate(
      db,
      req,
      () => engine.now(),
      async (tx) => {
        const row = await visibleWorkflow(tx, req.params.id, principal);
        requireRole(req, partnerRoles);
        if (!awaitsConsent(row)) throw new EventNotAllowed(row.state, 'consent request', []);
        const body = parseWith(createRequest, req.body ?? {});
        // Checked again under the workflow's lock: a consent recorded meanwhile closes the links
        // that exist when it commits, so a link inserted after it would stay open for good.
        const locked = await lockWorkflowAfterAncestors(tx, row.id);
        if (!locked || !awaitsConsent(locked)) {
          throw new EventNotAllowed(locked?.state ?? row.state, 'consent request', []);
        }
        const token = randomBytes(32).toString('base64url');
        const now = engine.now();
        const request = {
          id: newId('crq'),
          workflow_id: row.id,
          token_hash: sha256Hex(token),
          created_by: principal.id,
          created_at: now,
          expires_at: new Date(now.getTime() + body.expiresInDays * dayMs),
          used_at: null,
          answer: null,
          revoked_at: null,
          revoked_by: null,
          revocation_reason: null,
        };
        await insertConsentRequest(tx, request);
        return {
          status: 201,
          headers: {},
          body: {
            id: request.id,
            workflowId: row.id,
            // The link is the customer's credential: kept for a replay only sealed.
            url: seal(req, `${publicUrl.replace(/\/$/, '')}/consent/${token}`),
            expiresAt: request.expires_at.toISOString(),
          },
        };
      },
    );
    sendStored(res, revealSealed(req, response, ['url']));
  });

  catalog.add({
    method: 'get',
    path: '/v1/workflows/:id/consent-requests',
    operationId: 'listConsentRequests',
    tag: 'Consent',
    summary: "A relationship's consent links, with their status (the tokens are never shown again)",
    roles: 'admin, auditor; manager and global_admin of the partner',
    response: { status: 200, schema: z.object({ items: z.array(consentRequestView) }) },
    errors: [401, 403, 404],
  });
  router.get('/v1/workflows/:id/consent-requests', async (req, res) => {
    const principal = principalOf(req);
    const row = await visibleWorkflow(db, req.params.id, principal);
    requireRole(req, linkReaders);
    const now = engine.now();
    const links = await listConsentRequests(db, row.id);
    res.json({ items: links.map((link) => toConsentRequestView(link, now)) });
  });

  catalog.add({
    method: 'delete',
    path: '/v1/workflows/:id/consent-requests/:requestId',
    operationId: 'revokeConsentRequest',
    tag: 'Consent',
    summary:
      'Revokes a consent link that was not used; revoking one already closed changes nothing',
    roles: 'manager, global_admin of the partner',
    body: revokeRequest,
    examples: {
      readme: {
        summary: 'Sent to the wrong person',
        value: {
          reason: 'sent to the wrong person',
        },
      },
    },
    response: { status: 200, schema: consentRequestView },
    errors: [401, 403, 404, 409, 422],
  });
  router.delete('/v1/workflows/:id/consent-requests/:requestId', async (req, res) => {
    const principal = principalOf(req);
    const row = await visibleWorkflow(db, req.params.id, principal);
    requireRole(req, partnerRoles);
    const body = parseWith(revokeRequest, req.body ?? {});
    const link = await db.transaction(async (tx) => {
      const found = await findConsentRequestById(tx, row.id, req.params.requestId, true);
      if (!found) throw new NotFound('consent request');
      const now = engine.now();
      const status = consentRequestStatus(found, now);
      if (status === 'used') {
        throw new Conflict('consent_request_used', 'This link was used; its answer stands.', {
          answer: found.answer,
        });
      }
      // Expired or revoked already: closed, and revoking it again changes nothing.
      if (status !== 'open') return found;
      await closeConsentRequests(
        tx,
        row.id,
        { revoked_at: now, revoked_by: principal.id, revocation_reason: body.reason },
        { only: found.id },
      );
      return findConsentRequestById(tx, row.id, found.id);
    });
    if (!link) throw new NotFound('consent request');
    res.json(toConsentRequestView(link, engine.now()));
  });

  catalog.add({
    method: 'get',
    path: '/v1/consents',
    operationId: 'listConsents',
    tag: 'Consent',
    summary: 'Consent decisions with their evidence',
    roles: "auditor, admin; a partner's manager or global_admin for their own partner",
    query: consentsQuery,
    response: { status: 200, schema: z.object({ items: z.array(consent) }) },
    errors: [401, 404, 422],
  });
  router.get('/v1/consents', async (req, res) => {
    const principal = principalOf(req);
    const query = parseWith(consentsQuery, req.query);
    const partnerId = scopedPartner(principal);
    const rows = await listConsents(db, { ...query, partnerId });
    res.json({ items: rows.map(toConsent) });
  });

  // The customer's page: public, reached only through the unguessable token in the link.
  const page = Router();
  // Scoped to the page's own path: this router is mounted beside the API's routes.
  page.use('/consent', express.urlencoded({ extended: false, limit: '16kb' }));
  page.use('/consent', (req, res, next) => {
    res.set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'X-Frame-Options': 'DENY',
      // The address holds the token: no page or form post may hand it on as a Referer.
      'Referrer-Policy': 'no-referrer',
    });
    if (unstorableInput(req))
      return void sendPage(
        res,
        400,
        messagePage('Answer not understood', 'Please use the buttons on the consent page.'),
      );
    next();
  });

  catalog.add({
    method: 'get',
    path: '/consent/:token',
    operationId: 'getConsentPage',
    tag: 'Consent',
    summary: "The customer's consent page: who asks, for what, and the statement to consent to",
    roles: 'the customer, through the link; the token is the credential',
    public: true,
    otherResponses: [
      { status: 200, description: 'The statement, with a form to consent or decline', types: html },
      { status: 400, description: 'The address could not be read', types: html },
      { status: 404, description: 'No such link', types: html },
      { status: 409, description: 'Revoked, or no answer is needed any more', types: html },
      { status: 410, description: 'Used or expired', types: html },
    ],
  });
  page.get('/consent/:token', async (req, res) => {
    const request = await findConsentRequest(db, sha256Hex(req.params.token));
    const now = engine.now();
    if (!request)
      return void sendPage(
        res,
        404,
        messagePage(
          'Link not found',
          'This consent link is not valid. Ask your partner for a new one.',
        ),
      );
    switch (consentRequestStatus(request, now)) {
      case 'used':
        return void sendPage(res, 410, usedPage(request.answer));
      case 'expired':
        return void sendPage(res, 410, expiredPage());
      case 'revoked':
        return void sendPage(res, 409, noAnswerNeededPage());
      case 'open':
        break;
    }
    const row = await findWorkflow(db, request.workflow_id);
    if (!row || row.state !== 'awaitingConsent' || row.status !== 'active') {
      return void sendPage(res, 409, noAnswerNeededPage());
    }
    const facts = await pageFacts(db, row, request.expires_at);
    sendPage(res, 200, consentForm(facts, `/consent/${req.params.token}`));
  });

  catalog.add({
    method: 'post',
    path: '/consent/:token',
    operationId: 'answerConsentPage',
    tag: 'Consent',
    summary: "The customer's answer, from the page's form",
    roles: 'the customer, through the link; the token is the credential',
    public: true,
    form: answerForm,
    otherResponses: [
      { status: 200, description: 'The answer is recorded', types: html },
      { status: 400, description: 'The form could not be read', types: html },
      { status: 404, description: 'No such link', types: html },
      { status: 409, description: 'Revoked, or no answer is needed any more', types: html },
      { status: 410, description: 'Used or expired', types: html },
      { status: 422, description: 'A consent without a name or a valid email', types: html },
    ],
    errors: [413],
  });
  page.post('/consent/:token', async (req, res) => {
    const parsed = answerForm.safeParse(req.body);
    if (!parsed.success)
      return void sendPage(
        res,
        400,
        messagePage('Answer not understood', 'Please use the buttons on the consent page.'),
      );
    const form = parsed.data;
    const consenting = form.decision === 'consent';
    if (consenting && (!form.name || !z.email().safeParse(form.email).success)) {
      return void sendPage(
        res,
        422,
        messagePage(
          'Name and email needed',
          'To consent, give your name and your work email. Go back and try again; nothing was changed.',
        ),
      );
    }
    const outcome = await engine.answerConsentLink({
      tokenHash: sha256Hex(req.params.token),
      name: form.name || 'Customer',
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      body: consenting
        ? {
            type: 'CONSENT_GRANTED',
            grantedBy: { name: form.name, email: form.email },
            method: 'customer_link',
            statementVersion,
          }
        : { type: 'CONSENT_DECLINED', reason: form.reason || 'Declined through the consent link.' },
    });
    switch (outcome.kind) {
      case 'applied':
        return void sendPage(
          res,
          200,
          consenting
            ? messagePage(
                'Thank you: your consent is recorded',
                'Your partner and the provider can now go ahead with the reseller relationship. You may close this page.',
              )
            : messagePage(
                'Your answer is recorded: you declined',
                'Nothing will be shared with the provider. You may close this page.',
              ),
        );
      case 'used':
        return void sendPage(res, 410, usedPage(outcome.answer));
      case 'expired':
        return void sendPage(res, 410, expiredPage());
      case 'unknown':
        return void sendPage(
          res,
          404,
          messagePage('Link not found', 'This consent link is not valid. Nothing was changed.'),
        );
      case 'closed':
      case 'refused':
        return void sendPage(res, 409, noAnswerNeededPage());
    }
  });

  router.use(page);
  return router;
}

function scopedPartner(principal: Principal): string | undefined {
  if (principal.role === 'auditor' || principal.role === 'admin') return undefined;
  if ((principal.role === 'manager' || principal.role === 'global_admin') && principal.partnerId) {
    if (canSeePartner(principal, principal.partnerId)) return principal.partnerId;
  }
  throw new NotFound('consents');
}

async function pageFacts(db: Database, row: WorkflowRow, expiresAt: Date) {
  const context = restore(definitionOf(row), row).context as {
    customerId: string;
    providerId: string;
    billTo: { companyName: string; email: string; country: string; address?: string };
  };
  const [partner, provider, customer] = await Promise.all([
    findPartner(db, row.partner_id),
    findProvider(db, context.providerId),
    findCustomer(db, row.partner_id, context.customerId),
  ]);
  const text = consentStatements[statementVersion] ?? '';
  return {
    partnerName: partner?.name ?? 'Your partner',
    providerName: provider?.name ?? 'the indirect provider',
    customerName: customer?.name ?? context.billTo.companyName,
    billTo: context.billTo,
    statementVersion,
    statementText: text,
    statementHash: sha256Hex(text),
    expiresAt: expiresAt.toISOString().slice(0, 10),
  };
}

const linkReaders = ['admin', 'auditor', ...partnerRoles] as const;

/** Only a relationship still waiting at its consent checkpoint takes new links. */
function awaitsConsent(row: WorkflowRow): boolean {
  return (
    row.machine === 'resellerRelationship' &&
    row.status === 'active' &&
    row.state === 'awaitingConsent'
  );
}

function toConsentRequestView(
  link: ConsentRequestRow,
  now: Date,
): z.infer<typeof consentRequestView> {
  return {
    id: link.id,
    workflowId: link.workflow_id,
    status: consentRequestStatus(link, now),
    createdBy: link.created_by,
    createdAt: link.created_at.toISOString(),
    expiresAt: link.expires_at.toISOString(),
    usedAt: link.used_at?.toISOString() ?? null,
    answer: link.answer,
    revokedAt: link.revoked_at?.toISOString() ?? null,
    revokedBy: link.revoked_by,
    revocationReason: link.revocation_reason,
  };
}

function usedPage(answer: string | null): string {
  const what =
    answer === 'granted'
      ? 'consent was given'
      : answer === 'declined'
        ? 'consent was declined'
        : 'an answer was given';
  return messagePage(
    'This link was already used',
    `This link can be used once, and ${what} with it. Nothing was changed.`,
  );
}

function noAnswerNeededPage(): string {
  return messagePage(
    'No answer needed',
    'This request no longer needs an answer. Nothing was changed.',
  );
}

function expiredPage(): string {
  return messagePage(
    'This link has expired',
    'Ask your partner for a new consent link. Nothing was changed.',
  );
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).type('html').send(html);
}

function toConsent(row: ConsentRow): z.infer<typeof consent> {
  return {
    id: row.id,
    partnerId: row.partner_id,
    customerId: row.customer_id,
    providerId: row.provider_id,
    workflowId: row.workflow_id,
    scope: row.scope,
    decision: row.decision,
    statementVersion: row.statement_version,
    statementHash: row.statement_hash,
    grantedBy:
      row.granted_by_name === null
        ? null
        : { name: row.granted_by_name, email: row.granted_by_email },
    method: row.method,
    evidenceRef: row.evidence_ref,
    ip: row.ip,
    userAgent: row.user_agent,
    recordedBy: row.recorded_by,
    reason: row.reason,
    decidedAt: row.decided_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
    revocationReason: row.revocation_reason,
  };
}
