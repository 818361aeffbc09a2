import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import {
  MalformedRequest,
  NotFound,
  PayloadTooLarge,
  ProblemError,
  RateLimited,
  Unavailable,
} from '../errors.ts';

/** Postgres error classes and client errors that mean "the database is not there". */
function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (code.startsWith('08') ||
      code === '57P01' ||
      code === '57P02' ||
      code === '57P03' ||
      code === '53300' ||
      code === 'ECONNREFUSED' ||
      code === 'ECONNRESET' ||
      code === 'EPIPE' ||
      code === 'ETIMEDOUT')
  ) {
    return true;
  }
  if (name === 'KnexTimeoutError') return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|connect ECONNREFUSED|Unable to acquire a connection|is not queryable|terminating connection/.test(
      message,
    )
  );
}

/**
 * A statement cancelled by `statement_timeout` (or a lock not granted in time): the
 * transaction is rolled back, so nothing was applied, and trying again later may work.
 */
function timedOut(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : null;
  return code === '57014' || code === '55P03';
}

/**
 * A connection lost on COMMIT leaves the outcome unknown: Postgres may have committed before
 * the connection went. The client is told so, not told that nothing was applied.
 */
function lostOnCommit(error: unknown): boolean {
  const message =
    typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : null;
  return typeof message === 'string' && message.startsWith('COMMIT');
}

/**
 * Postgres class 22, data exceptions: a value from the request the database cannot take
 * (out of range, not valid text). The request is at fault, and nothing was applied.
 */
function isDataException(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : null;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** body-parser's refusals, mapped to the problem codes of SPEC §3. */
function fromBodyParser(error: unknown, limit: number): ProblemError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return new PayloadTooLarge(limit);
  if (type === 'entity.parse.failed') return new MalformedRequest('The body is not valid JSON.');
  // The client stopped sending (or the server's request time limit cut it off): nothing was
  // applied, and whoever is left to read the answer learns why.
  if (type === 'request.aborted') return new MalformedRequest('The body was cut off.');
  if (
    (typeof type === 'string' && type.startsWith('encoding.')) ||
    type === 'charset.unsupported'
  ) {
    return new MalformedRequest('The body encoding is not supported.');
  }
  return undefined;
}

export function sendProblem(res: Response, error: ProblemError): void {
  if (error instanceof RateLimited) res.set('Retry-After', String(error.retryAfterSeconds));
  if (error instanceof Unavailable) res.set('Retry-After', '1');
  res.status(error.status).type('application/problem+json').send(JSON.stringify(error.toProblem()));
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFound('route'));
}

/** The one place errors become responses: never a stack trace to the client. */
export function errorHandler(logger: Logger, bodyLimit: number) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let problem: ProblemError;
    if (error instanceof ProblemError) problem = error;
    else
      problem =
        fromBodyParser(error, bodyLimit) ??
        (isDatabaseUnavailable(error)
          ? new Unavailable(lostOnCommit(error) ? 'outcome_unknown' : 'nothing_applied')
          : timedOut(error)
            ? new Unavailable('timed_out')
            : isDataException(error)
              ? new MalformedRequest('A value in the request cannot be stored.')
              : internal());
    if (problem.status >= 500)
      logger.error({ err: error, requestId: req.requestId }, 'request failed');
    else logger.info({ code: problem.code, requestId: req.requestId }, 'request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, problem);
  };
}

function internal(): ProblemError {
  return new ProblemError(
    500,
    'internal_error',
    'Internal error',
    'Something went wrong on our side; nothing was applied.',
  );
}
