import type { Api } from './api.ts';
import { customerBatch, type Partner } from './scenario.ts';
import { percentile } from './stats.ts';

export interface ImportUnderLoad {
  customers: number;
  importSeconds: number;
  /** Events sent to the transition while the import ran, one after the other. */
  events: number;
  /** The longest any of them took, and their p50: how long the transition's row was held. */
  longestWaitMs: number;
  p50Ms: number;
}

/**
 * Imports `count` customers in one request into a partner whose transition is migrating,
 * while one client sends events to that transition in a loop, and reports how long those
 * events took. An event waits for the transition's row; the import must hold it only for its
 * last step, not for the whole planning.
 */
export async function importUnderLoad(
  api: Api,
  partner: Partner,
  count: number,
): Promise<ImportUnderLoad> {
  const batch = customerBatch(1_000_000, count, 1);
  let importing = true;
  const waits: number[] = [];
  const start = performance.now();
  const imported = api
    .call(partner.manager, 'POST', `/v1/partners/${partner.id}/customers`, batch)
    .finally(() => {
      importing = false;
    });
  const events = (async () => {
    while (importing) {
      const sent = performance.now();
      await api.event(partner.manager, partner.transitionId, {
        type: 'INCENTIVES_INVITATION_RECEIVED',
      });
      waits.push(performance.now() - sent);
    }
  })();
  await imported;
  const importSeconds = (performance.now() - start) / 1000;
  await events;
  const sorted = [...waits].sort((a, b) => a - b);
  return {
    customers: count,
    importSeconds,
    events: waits.length,
    longestWaitMs: sorted.at(-1) ?? 0,
    p50Ms: percentile(sorted, 50),
  };
}
