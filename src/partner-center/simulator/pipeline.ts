import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Core } from './core.ts';
import {
  describeIssues,
  fail,
  graphErrorBody,
  partnerCenterErrorBody,
  SimulatedFailure,
} from './failures.ts';
import type { Account, Audience, Fault, RequestOutcome } from './state.ts';

export type Api = 'partnerCenter' | 'graph';

export interface OperationSpec {
  /** The operation's name, as faults match it and the call log shows it. */
  name: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  api: Api;
  /** A documented limit of its own, counted per account on top of the general one. */
  throttle?: 'createMigration';
}

/** One call, authenticated and not refused by throttling or a fault, as a handler sees it. */
export interface Call {
  account: Account;
  requestId: string;
  correlationId: string;
  now: Date;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** Records an effect carried out for this call; a repetition of the call is logged as such. */
  effect(operation: string, customer: string | null): void;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A handler decides and changes state without awaiting anything, so that no other request can
 * come between its checks and its changes, and so a repeated call finds the first one's answer.
 */
export type Handler = (call: Call) => Answer;

const idHeader = z.string().trim().min(1).max(128);

/** Parses `body` with `schema`, or refuses the call as Partner Center does (400, 3000). */
export function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw fail.invalid(describeIssues(result.error));
  return result.data;
}

/**
 * Registers one Partner Center or Graph operation: echoes the call's ids, answers a fault a
 * test injected, checks the bearer token, applies throttling, answers a repeated mutating
 * Partner Center call (same account, same `MS-RequestId`) with its first answer, and otherwise
 * runs the handler.
 */
export function defineOperation(
  router: Router,
  core: Core,
  spec: OperationSpec,
  handler: Handler,
): void {
  const audience: Audience = spec.api;
  router[spec.method](spec.path, (req: Request, res: Response) => {
    core.work.runDue();
    const now = core.now();
    const sentRequestId = idHeader.safeParse(req.get('MS-RequestId')).data;
    const clientRequestId = idHeader.safeParse(req.get('client-request-id')).data ?? null;
    const requestId = sentRequestId ?? clientRequestId ?? randomUUID();
    const correlationId = idHeader.safeParse(req.get('MS-CorrelationId')).data ?? randomUUID();
    res.set({ 'MS-RequestId': requestId, 'MS-CorrelationId': correlationId });
    if (spec.api === 'graph') {
      res.set({ 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId });
    }
    const refuse = (failure: SimulatedFailure, headers: Record<string, string> = {}) =>
      send(res, {
        status: failure.status,
        headers,
        body:
          spec.api === 'graph'
            ? graphErrorBody(failure, now, requestId, clientRequestId)
            : partnerCenterErrorBody(failure),
      });

    // Graph has no MS-RequestId of its own; its clients send client-request-id instead, which
    // names the call in logs (and here tells a retry) but makes nothing idempotent.
    const keyId = sentRequestId ?? (spec.api === 'graph' ? clientRequestId : null);
    const count = (outcome: RequestOutcome) =>
      core.state.countRequest(
        spec.name,
        outcome,
        keyId ? `${spec.method} ${req.path} ${keyId}` : undefined,
      );

    const fault = takeFault(core, spec.name, req);
    if (fault) {
      count('faulted');
      return sendFault(res, spec.api, fault, refuse);
    }

    const account = authenticate(core, req.get('Authorization'), audience, now);
    if (account instanceof SimulatedFailure) {
      count('unauthorized');
      return refuse(account);
    }

    const wait =
      core.windows.take(account.tenantId, core.options.throttling.perAccount) ??
      (spec.throttle
        ? core.windows.take(
            `${account.tenantId} ${spec.name}`,
            core.options.throttling[spec.throttle],
          )
        : undefined);
    if (wait !== undefined) {
      count('throttled');
      return sendThrottled(res, spec.api, wait, refuse);
    }

    const mutating = spec.method !== 'get';
    // Only Partner Center keeps a request id's first answer: Graph carries a repeated call out
    // again, whatever ids it carries, as Microsoft's does.
    const key =
      keyId && spec.api === 'partnerCenter'
        ? `${account.tenantId} ${spec.method} ${req.path} ${keyId}`
        : undefined;
    const first = key ? core.state.answers.get(key) : undefined;
    if (mutating && first) {
      count('replayed');
      for (const operation of first.operations.length > 0 ? first.operations : [spec.name]) {
        core.state.record({
          at: now.toISOString(),
          operation,
          account: account.tenantId,
          customer: first.customer,
          requestId,
          correlationId,
          replayed: true,
          status: first.status,
        });
      }
      return send(res, { status: first.status, body: first.body, headers: first.headers });
    }

    count('answered');
    const effects: Array<{ operation: string; customer: string | null }> = [];
    const call: Call = {
      account,
      requestId,
      correlationId,
      now,
      params: req.params as Record<string, string>,
      query: req.query,
      body: req.body as unknown,
      effect: (operation, customer) => effects.push({ operation, customer }),
    };
    let answer: Answer;
    try {
      answer = handler(call);
    } catch (error) {
      if (!(error instanceof SimulatedFailure)) throw error;
      answer = {
        status: error.status,
        body:
          spec.api === 'graph'
            ? graphErrorBody(error, now, requestId, clientRequestId)
            : partnerCenterErrorBody(error),
      };
    }
    for (const { operation, customer } of effects) {
      core.state.record({
        at: now.toISOString(),
        operation,
        account: account.tenantId,
        customer,
        requestId,
        correlationId,
        replayed: false,
        status: answer.status,
      });
    }
    // Partner Center keeps a request id's answer, success or business refusal, for retries.
    if (mutating && key) {
      core.state.remember(key, {
        status: answer.status,
        // A copy: the resource changes later (a transfer completes), its first answer does not.
        body: structuredClone(answer.body),
        headers: answer.headers ?? {},
        operations: effects.map((e) => e.operation),
        customer: effects[0]?.customer ?? null,
      });
    }
    send(res, answer);
  });
}

function send(res: Response, answer: Answer): void {
  res.status(answer.status).set(answer.headers ?? {});
  if (answer.body === undefined) res.end();
  else res.json(answer.body);
}

/** The account a bearer token was issued to, for the API it was issued for. */
function authenticate(
  core: Core,
  header: string | undefined,
  audience: Audience,
  now: Date,
): Account | SimulatedFailure {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header ?? '');
  if (!match?.[1]) return fail.unauthorized('A bearer token is required.');
  const token = core.state.tokens.get(match[1]);
  if (!token || token.expiresAt <= now.getTime()) {
    return fail.unauthorized('The bearer token is unknown or has expired.');
  }
  if (token.audience !== audience) {
    return fail.unauthorized('The bearer token was issued for another API.');
  }
  const account = core.state.accounts.get(token.tenantId);
  return account ?? fail.unauthorized('The account behind this token no longer exists.');
}

/** The fault that matches this request, counted down, or undefined. */
export function takeFault(core: Core, operation: string, req: Request): Fault | undefined {
  const faults = core.state.faults;
  const index = faults.findIndex((f) => faultMatches(f.match, operation, req));
  const fault = faults[index];
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault;
}

function faultMatches(match: string, operation: string, req: Request): boolean {
  if (match === operation) return true;
  const [method, path] = match.split(' ');
  if (!method || !path || method.toUpperCase() !== req.method) return false;
  const pattern = path
    .split('/')
    .map((s) => (s === '*' ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}/?$`).test(req.path);
}

type Refuse = (failure: SimulatedFailure, headers?: Record<string, string>) => void;

export function sendFault(res: Response, api: Api, fault: Fault, refuse: Refuse): void {
  if (fault.status === 429) {
    sendThrottled(res, api, fault.retryAfterSeconds ?? 1, refuse);
    return;
  }
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  refuse(
    new SimulatedFailure(
      fault.status,
      String(fault.status),
      fault.status === 503
        ? 'The service is unavailable for now; try again later.'
        : 'The service failed to handle the request.',
    ),
    headers,
  );
}

/**
 * 429 with `Retry-After` in seconds. Partner Center's throttling guidance shows the body its
 * gateway sends (`{statusCode, message}`), not its usual error shape; Graph sends its own.
 */
export function sendThrottled(res: Response, api: Api, seconds: number, refuse: Refuse): void {
  const headers = { 'Retry-After': String(seconds) };
  if (api === 'graph') {
    refuse(
      new SimulatedFailure(429, 'TooManyRequests', `Too many requests; wait ${seconds} s.`),
      headers,
    );
    return;
  }
  send(res, {
    status: 429,
    headers,
    body: { statusCode: 429, message: `Rate limit exceeded; try again in ${seconds} seconds.` },
  });
}
