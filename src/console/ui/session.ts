import { createTiershiftClient, type Schema, type TiershiftClient } from '../../client/index.ts';

export type Caller = Schema<'Caller'>;
export type Machine = Schema<'Machine'>;
export type Problem = Schema<'Problem'>;
/**
 * A workflow as the document describes it. openapi-fetch types answers through its
 * `Readable<>`, which drops a property typed only `null` (an unsupported workflow's `context`
 * and `stateValue`), so answers are read as this type instead.
 */
export type Workflow = Schema<'Workflow'>;

/**
 * The token lives in this tab's sessionStorage only: it survives a reload, leaves with the
 * tab, is never put in an address (where history, logs and Referer would keep it) and never
 * written to the console's log.
 */
const tokenKey = 'tiershift.token';

export const savedToken = (): string | null => sessionStorage.getItem(tokenKey);
export const saveToken = (token: string): void => sessionStorage.setItem(tokenKey, token);
export const forgetToken = (): void => sessionStorage.removeItem(tokenKey);

/** Who is signed in, the client that acts as them, and what every view shares. */
export interface Session {
  api: TiershiftClient;
  me: Caller;
  /** The partner or provider the caller acts for, in words. */
  scope: string;
  /** A machine's definition: its events, their roles and payload schemas. Asked once. */
  machine(name: string): Promise<Machine>;
  /** A partner's name, when the caller may read the partner; asked once each. */
  partnerName(id: string): Promise<string | undefined>;
}

/**
 * A client of the API for a token. Every answer goes through the same checks as any other
 * client's; a 401 on any call means the token stopped working, and `onSignedOut` is told.
 */
export function clientFor(token: string, onSignedOut: () => void): TiershiftClient {
  const api = createTiershiftClient(window.location.origin, token);
  api.use({
    onResponse({ response }) {
      if (response.status === 401) onSignedOut();
      return undefined;
    },
  });
  return api;
}

/** Machine definitions do not change while the server runs: each is fetched once. */
export function machineCache(api: TiershiftClient): (name: string) => Promise<Machine> {
  const machines = new Map<string, Promise<Machine>>();
  return (name) => {
    let found = machines.get(name);
    if (!found) {
      found = api
        .GET('/v1/machines/{name}', { params: { path: { name } } })
        .then(({ data, error }) => {
          if (!data) throw new Error(error?.detail ?? `The ${name} machine could not be read.`);
          return data;
        });
      found.catch(() => machines.delete(name));
      machines.set(name, found);
    }
    return found;
  };
}

/** Partner names by id, each asked once; undefined where the caller may not read the partner. */
export function partnerNames(api: TiershiftClient): (id: string) => Promise<string | undefined> {
  const names = new Map<string, Promise<string | undefined>>();
  return (id) => {
    let found = names.get(id);
    if (!found) {
      found = api
        .GET('/v1/partners/{id}', { params: { path: { id } } })
        .then(({ data }) => data?.name)
        .catch(() => undefined);
      names.set(id, found);
    }
    return found;
  };
}
