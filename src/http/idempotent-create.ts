import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { IdempotencyKeyReused, MalformedRequest, ProblemError } from '../errors.ts';
import { canonicalJson } from '../engine/hash.ts';
import { withTransactionRetry } from '../engine/retry.ts';
import type { Database } from '../store/database.ts';
import { reserveKey, storeResponse, type StoredResponse } from '../store/idempotency.ts';
import { principalOf } from '../auth/authenticate.ts';

/** The `Idempotency-Key` header, if sent; 400 when it is empty or longer than 200 characters. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    throw new MalformedRequest('Idempotency-Key must be 1 to 200 characters.');
  }
  return key;
}

/** What identifies a request for its key: a reused key must come with the same one. */
export function requestHashOf(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  return createHash('sha256')
    .update(`${req.method} ${path}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');
}

/**
 * Runs a create in one transaction and answers it, with the rules events keep for
 * `Idempotency-Key`: the first request's answer, success or refusal, is stored with the key in
 * the same transaction, and the same key with the same request gets that answer again (with
 * `Idempotent-Replayed: true`); the same key with another request gets 422
 * `idempotency_key_reused`. A refusal rolls back what the create wrote, to a savepoint, before
 * it is stored. Without a key the create just runs in its transaction.
 */
export async function idempotentCreate(
  db: Database,
  req: Request,
  now: () => Date,
  create: (tx: Knex.Transaction) => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const key = idempotencyKeyOf(req);
  if (key === undefined) return withTransactionRetry(() => db.transaction(create));
  const principal = principalOf(req);
  const requestHash = requestHashOf(req);
  return withTransactionRetry(() =>
    db.transaction(async (tx) => {
      const reservation = await reserveKey(tx, principal.id, key, requestHash, now());
      if (reservation.kind === 'replay') {
        if (reservation.requestHash !== requestHash || !reservation.response) {
          throw new IdempotencyKeyReused();
        }
        const { response } = reservation;
        return { ...response, headers: { ...response.headers, 'Idempotent-Replayed': 'true' } };
      }
      let response: StoredResponse;
      try {
        response = await tx.transaction(create);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        response = { status: error.status, body: error.toProblem(), headers: {} };
      }
      await storeResponse(tx, principal.id, key, response);
      return response;
    }),
  );
}

/** Writes a stored or fresh answer as JSON, or as problem+json for a refusal. */
export function sendStored(res: Response, response: StoredResponse): void {
  res.status(response.status).set(response.headers);
  res.type(response.status >= 400 ? 'application/problem+json' : 'application/json');
  res.send(JSON.stringify(response.body));
}
