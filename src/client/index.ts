import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './api-types.ts';

export type { components, operations, paths };
export type TiershiftClient = Client<paths>;

/** The body of `POST /v1/workflows/{id}/events`: any machine's events, checked by type. */
export type EventBody = NonNullable<
  operations['sendEvent']['requestBody']
>['content']['application/json'];

/** Schemas of the API by component name, e.g. `Schema<'Workflow'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/**
 * A typed client of the Tiershift API for one token: paths, bodies, answers and problems are
 * checked against the OpenAPI document the server serves.
 */
export function createTiershiftClient(
  baseUrl: string,
  token: string,
  options: { fetch?: typeof fetch } = {},
): TiershiftClient {
  return createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
