import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Secrets } from '../../secrets/secrets.ts';
import {
  loadCredentials,
  ownersOfCredentials,
  renewRefreshToken,
} from '../../store/partner-center-connections.ts';
import { partnerCenterDefaults } from '../defaults.ts';
import { partnerCenterFromConfig } from '../http-client.ts';
import type { PartnerCenter, PartnerCenterCredentials } from '../partner-center.ts';
import { startReconciliation } from './reconciliation.ts';
import { connectedMode } from './worker.ts';

/**
 * Connected mode as the server runs it: Partner Center over HTTP where the configuration
 * says, credentials opened with `SECRETS_KEY`, the handlers for the outbox worker, and the
 * reconciliation loop.
 */
export function connectedModeFromConfig(deps: {
  db: Knex;
  engine: Engine;
  secrets: Secrets;
  config: Pick<
    Config,
    | 'PARTNER_CENTER_URL'
    | 'PARTNER_CENTER_GRAPH_URL'
    | 'PARTNER_CENTER_AUTHORITY'
    | 'PARTNER_CENTER_TIMEOUT_MS'
    | 'PARTNER_CENTER_MAX_ATTEMPTS'
    | 'PARTNER_CENTER_POLL_MS'
  >;
  logger: Logger;
  now: () => Date;
  /** Another Partner Center than the configured one: tests' instrumented client. */
  partnerCenter?: PartnerCenter;
}) {
  const { config, logger, secrets, db } = deps;
  // Entra hands out a new refresh token with each exchange; the stored one follows it, so a
  // restart does not fall back on a token that has lapsed.
  const onRefreshToken = (credentials: PartnerCenterCredentials, next: string) => {
    void ownersOfCredentials(db, credentials)
      .then((owners) =>
        Promise.all(
          owners.map((owner) =>
            renewRefreshToken(db, secrets, owner, credentials.refreshToken, next),
          ),
        ),
      )
      .catch((err: unknown) =>
        logger.warn({ err }, 'a renewed Partner Center refresh token could not be stored'),
      );
  };
  const mode = connectedMode({
    db: deps.db,
    engine: deps.engine,
    partnerCenter:
      deps.partnerCenter ?? partnerCenterFromConfig(config, { logger, onRefreshToken }),
    credentialsOf: (db, account) => loadCredentials(db, secrets, account),
    now: deps.now,
    logger,
  });
  // A claim outlasts the attempts of a call, waits for Retry-After included. A step of several
  // calls may outlast it; then another worker repeats the step, which repeats each call under
  // its own MS-RequestId and is answered as before.
  const perCall =
    config.PARTNER_CENTER_MAX_ATTEMPTS *
    (config.PARTNER_CENTER_TIMEOUT_MS + partnerCenterDefaults.maxRetryAfterMs);
  return {
    handlers: mode.handlers,
    reconcile: mode.reconcile,
    leaseMs: perCall,
    startReconciliation: () =>
      startReconciliation(mode.reconcile, config.PARTNER_CENTER_POLL_MS, logger),
  };
}
