import type { z } from 'zod';

/**
 * A refusal the simulator answers with. Codes come from Partner Center's documented error
 * table ("Partner Center REST error codes") where one fits; where Partner Center documents no
 * code for a case, the code is the HTTP status, so no one mistakes it for a real one.
 */
export class SimulatedFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'SimulatedFailure';
  }
}

export const fail = {
  /** Documented: Unauthorized, 401, code 400, "Access denied". */
  unauthorized: (why: string) => new SimulatedFailure(401, '400', why),
  /** Documented: Forbidden, 403, code 2032, "Access denied". */
  forbidden: (why: string) => new SimulatedFailure(403, '2032', why),
  /** Documented: Forbidden, 403, code 20002, no commerce relationship with the customer. */
  noRelationship: (partner: string, customer: string) =>
    new SimulatedFailure(
      403,
      '20002',
      `Partner ${partner} has no relationship with customer ${customer}.`,
    ),
  /** Documented: NotFound, 404, code 1000. */
  notFound: (what: string) => new SimulatedFailure(404, '1000', `${what} does not exist.`),
  /** Documented: NotFound, 404, code 20003, a subscription not found. */
  subscriptionNotFound: (id: string) =>
    new SimulatedFailure(404, '20003', `No subscription ${id} belongs to this customer.`),
  /** Documented: BadRequest, 400, code 3000, "Invalid property". */
  invalid: (why: string) => new SimulatedFailure(400, '3000', why),
  /** A request that the resource's state does not allow; Partner Center documents no code. */
  conflict: (why: string) => new SimulatedFailure(409, '409', why),
};

/** The first problems zod found, said in one line. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}

/** Partner Center's error body (`{code, description, data, source}`). */
export function partnerCenterErrorBody(failure: SimulatedFailure) {
  return {
    code: failure.code,
    description: failure.description,
    data: [] as unknown[],
    source: 'PartnerCenterSimulator',
  };
}

const graphCodes: Record<number, string> = {
  400: 'badRequest',
  401: 'InvalidAuthenticationToken',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  429: 'TooManyRequests',
  500: 'internalServerError',
  503: 'serviceUnavailable',
};

/** Microsoft Graph's error body (`{error: {code, message, innerError}}`). */
export function graphErrorBody(
  failure: SimulatedFailure,
  at: Date,
  requestId: string,
  clientRequestId: string | null,
) {
  return {
    error: {
      code: graphCodes[failure.status] ?? 'generalException',
      message: failure.description,
      innerError: {
        date: at.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}
