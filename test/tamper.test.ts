import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf, type DigestEntry } from '../src/engine/audit.ts';
import { hashedContent } from '../src/engine/history-chain.ts';
import { chainHash } from '../src/engine/hash.ts';
import type { ConsentRow } from '../src/store/consents.ts';
import type { HistoryRow } from '../src/store/history.ts';
import { buildCustomer, buildPartner } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

interface Verdict {
  valid: boolean;
  checked: number;
  firstBrokenSeq?: number;
  problems: Array<{ kind: string; seq?: number; detail: string }>;
}

interface Digest {
  generatedAt: string;
  partnerId: string | null;
  workflows: DigestEntry[];
  digest: string;
}

interface DigestVerdict {
  valid: boolean;
  checked: number;
  digestIntact: boolean;
  diverged: Array<{ id: string; reason: string }>;
}

const consentGranted = {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Customer', email: 'carla@fabrikam.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
};

/** A move up to migrating, whose one relationship was granted, revoked and granted again. */
interface Scene {
  move: Move;
  relationshipId: string;
}

async function sceneWithConsents(): Promise<Scene> {
  const move = await Move.start(h.app, h.adminToken);
  const [customerId] = await move.importCustomers([buildCustomer()]);
  await move.toMigrating();
  const relationship = await move.childOf('resellerRelationship', customerId!);
  const { manager } = move.team;
  await move.send(manager, relationship.id, { type: 'USE_EXTENSION' });
  await move.send(manager, relationship.id, consentGranted);
  await move.send(manager, relationship.id, { type: 'CONSENT_REVOKED', reason: 'asked again' });
  await move.send(manager, relationship.id, consentGranted);
  return { move, relationshipId: relationship.id };
}

/** Runs `change` as a database superuser could: with history's append-only trigger off. */
async function asAttacker(change: (tx: Knex.Transaction) => Promise<unknown>): Promise<void> {
  await h.db.transaction(async (tx) => {
    await tx.raw('ALTER TABLE history DISABLE TRIGGER USER');
    await change(tx);
    await tx.raw('ALTER TABLE history ENABLE TRIGGER USER');
  });
}

async function verify(id: string): Promise<Verdict> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history/verify`);
  expect(res.status).toBe(200);
  return res.body as Verdict;
}

function kindsOf(verdict: Verdict): string[] {
  return [...new Set(verdict.problems.map((p) => p.kind))].sort();
}

async function historyOf(workflowId: string): Promise<HistoryRow[]> {
  return h.db<HistoryRow>('history').where({ workflow_id: workflowId }).orderBy('seq');
}

async function seqOf(workflowId: string, type: string): Promise<number> {
  const row = (await historyOf(workflowId)).find((r) => r.type === type && r.outcome === 'applied');
  expect(row, type).toBeDefined();
  return row!.seq;
}

async function consentsOf(workflowId: string): Promise<ConsentRow[]> {
  return h.db<ConsentRow>('consents').where({ workflow_id: workflowId }).orderBy('seq');
}

async function digestOfPartner(move: Move): Promise<Digest> {
  const res = await as(h.app, move.team.auditor).get(
    `/v1/audit/digest?partnerId=${move.team.partnerId}`,
  );
  expect(res.status).toBe(200);
  return res.body as Digest;
}

async function verifyDigest(digest: Digest): Promise<DigestVerdict> {
  const res = await as(h.app, h.adminToken).post('/v1/audit/digest/verify', digest);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as DigestVerdict;
}

async function otherProvider(): Promise<string> {
  return (await Move.provider(h.app, h.adminToken, 'DE')).id;
}

describe('verification of an untouched move', () => {
  it('when nobody tampered, then every workflow of the move verifies with no problems', async () => {
    const { move } = await sceneWithConsents();
    const ids = [move.transitionId, ...(await move.children('')).map((w) => w.id)];
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const id of ids) {
      const verdict = await verify(id);
      expect(verdict, id).toMatchObject({ valid: true, checked: verdict.checked, problems: [] });
      expect(verdict.checked).toBeGreaterThan(0);
    }
    expect(await verifyDigest(await digestOfPartner(move))).toMatchObject({
      valid: true,
      diverged: [],
    });
  });
});

describe('rewritten history is found by its hashes', () => {
  it('when a payload is changed, then its row is named as a hash problem', async () => {
    const { relationshipId } = await sceneWithConsents();
    const seq = await seqOf(relationshipId, 'CONSENT_REVOKED');
    await asAttacker((tx) =>
      tx('history')
        .where({ workflow_id: relationshipId, seq })
        .update({ payload: JSON.stringify({ reason: 'never happened' }) }),
    );
    const verdict = await verify(relationshipId);
    expect(verdict).toMatchObject({ valid: false, firstBrokenSeq: seq });
    expect(verdict.problems).toContainEqual(expect.objectContaining({ kind: 'hash', seq }));
  });

  it('when the last row is deleted, then the missing seq is named', async () => {
    const { relationshipId } = await sceneWithConsents();
    const last = (await historyOf(relationshipId)).at(-1)!.seq;
    await asAttacker((tx) =>
      tx('history').where({ workflow_id: relationshipId, seq: last }).delete(),
    );
    const verdict = await verify(relationshipId);
    expect(verdict).toMatchObject({ valid: false, checked: last - 1, firstBrokenSeq: last });
    expect(verdict.problems).toContainEqual(expect.objectContaining({ kind: 'hash', seq: last }));
  });

  it('when a row in the middle is deleted, then the gap is named', async () => {
    const { relationshipId } = await sceneWithConsents();
    const seq = await seqOf(relationshipId, 'CONSENT_REVOKED');
    await asAttacker((tx) => tx('history').where({ workflow_id: relationshipId, seq }).delete());
    const verdict = await verify(relationshipId);
    expect(verdict).toMatchObject({ valid: false, firstBrokenSeq: seq });
    expect(verdict.problems).toContainEqual({ kind: 'hash', seq, detail: `missing: row ${seq}` });
  });

  it('when two rows are swapped, then the first of them is named', async () => {
    const { relationshipId } = await sceneWithConsents();
    const seq = await seqOf(relationshipId, 'CONSENT_REVOKED');
    await asAttacker(async (tx) => {
      const rows = tx('history').where({ workflow_id: relationshipId });
      await rows.clone().where({ seq }).update({ seq: -seq });
      await rows
        .clone()
        .where({ seq: seq + 1 })
        .update({ seq });
      await rows
        .clone()
        .where({ seq: -seq })
        .update({ seq: seq + 1 });
    });
    const verdict = await verify(relationshipId);
    expect(verdict).toMatchObject({ valid: false, firstBrokenSeq: seq });
    expect(verdict.problems).toContainEqual(expect.objectContaining({ kind: 'hash', seq }));
  });
});

describe('history that hashes but does not follow on', () => {
  it('when a row starts from another state than the one before ended, with hashes recomputed, then continuity names it', async () => {
    const { move } = await sceneWithConsents();
    const rows = await historyOf(move.transitionId);
    const forged = rows.find((r) => r.seq > 1 && r.from_state !== 'enrolling')!;
    forged.from_state = 'enrolling';
    await asAttacker(async (tx) => {
      // The attacker rebuilds the chain from the forged row on, so every hash holds.
      let prev = rows[forged.seq - 2]!.hash;
      for (const row of rows.slice(forged.seq - 1)) {
        row.prev_hash = prev;
        row.hash = chainHash(prev, hashedContent(row));
        prev = row.hash;
        await tx('history')
          .where({ workflow_id: row.workflow_id, seq: row.seq })
          .update({ from_state: row.from_state, prev_hash: row.prev_hash, hash: row.hash });
      }
      await tx('workflows').where({ id: move.transitionId }).update({ head_hash: prev });
    });
    const verdict = await verify(move.transitionId);
    expect(kindsOf(verdict)).toEqual(['continuity']);
    expect(verdict).toMatchObject({ valid: false, firstBrokenSeq: forged.seq });
  });
});

describe('a workflow row that its history does not explain', () => {
  it('when the snapshot is rewritten without a history row, then the replay finds it, also after a later event', async () => {
    const { move, relationshipId } = await sceneWithConsents();
    await h.db.raw(
      `UPDATE workflows SET snapshot = jsonb_set(snapshot, '{context,billTo,companyName}', '"Forged Ltd"')
       WHERE id = ?`,
      [relationshipId],
    );
    const tampered = await verify(relationshipId);
    expect(tampered.valid).toBe(false);
    expect(kindsOf(tampered)).toEqual(['snapshot']);
    expect(tampered.firstBrokenSeq).toBeUndefined();

    await move.send(move.team.globalAdmin, relationshipId, { type: 'BILL_TO_SHARING_CONFIRMED' });
    const later = await verify(relationshipId);
    expect(later.valid).toBe(false);
    expect(kindsOf(later)).toEqual(['snapshot']);
  });

  it("when a transition's provider_id is changed, then row_fields names it and the digest names the workflow", async () => {
    const { move } = await sceneWithConsents();
    const saved = await digestOfPartner(move);
    await h
      .db('workflows')
      .where({ id: move.transitionId })
      .update({ provider_id: await otherProvider() });
    expect(kindsOf(await verify(move.transitionId))).toEqual(['row_fields']);
    expect(await verifyDigest(saved)).toMatchObject({
      valid: false,
      digestIntact: true,
      diverged: [{ id: move.transitionId, reason: 'row_fields_differ' }],
    });
  });

  it("when a child's provider_id is changed, then row_fields names it and the digest names the child", async () => {
    const { move, relationshipId } = await sceneWithConsents();
    const saved = await digestOfPartner(move);
    await h
      .db('workflows')
      .where({ id: relationshipId })
      .update({ provider_id: await otherProvider() });
    expect(kindsOf(await verify(relationshipId))).toEqual(['row_fields']);
    expect((await verifyDigest(saved)).diverged).toEqual([
      { id: relationshipId, reason: 'row_fields_differ' },
    ]);
  });

  it('when partner_id is changed, then row_fields names it', async () => {
    const { move } = await sceneWithConsents();
    const other = await as(h.app, h.adminToken).post('/v1/partners', buildPartner());
    expect(other.status).toBe(201);
    await h
      .db('workflows')
      .where({ id: move.transitionId })
      .update({ partner_id: (other.body as { id: string }).id });
    const verdict = await verify(move.transitionId);
    expect(kindsOf(verdict)).toEqual(['row_fields']);
    expect(verdict.problems[0]!.detail).toMatch(/^partnerId /);
  });

  it('when another provider is given read access in workflow_viewers, then row_fields names it', async () => {
    const { move } = await sceneWithConsents();
    const intruder = await otherProvider();
    await h
      .db('workflow_viewers')
      .insert({ workflow_id: move.transitionId, provider_id: intruder, created_at: new Date() });
    const verdict = await verify(move.transitionId);
    expect(kindsOf(verdict)).toEqual(['row_fields']);
    expect(verdict.problems[0]!.detail).toContain(intruder);
  });
});

describe('consent records the history bound', () => {
  it('when consent evidence is rewritten, then each field is found; put back, it verifies again', async () => {
    const { relationshipId } = await sceneWithConsents();
    const standing = (await consentsOf(relationshipId)).at(-1)!;
    const forgeries: Array<Partial<ConsentRow>> = [
      { granted_by_name: 'Mallory' },
      { method: 'email' },
      { ip: '203.0.113.9' },
    ];
    for (const forgery of forgeries) {
      await h.db('consents').where({ id: standing.id }).update(forgery);
      expect(kindsOf(await verify(relationshipId)), JSON.stringify(forgery)).toEqual(['consent']);
      await h.db('consents').where({ id: standing.id }).update({
        granted_by_name: standing.granted_by_name,
        method: standing.method,
        ip: standing.ip,
      });
      expect((await verify(relationshipId)).valid).toBe(true);
    }
  });

  it('when a consent record is deleted, then the row that bound it is named', async () => {
    const { relationshipId } = await sceneWithConsents();
    const [revoked] = await consentsOf(relationshipId);
    await h.db('consents').where({ id: revoked!.id }).delete();
    const verdict = await verify(relationshipId);
    expect(kindsOf(verdict)).toEqual(['consent']);
    expect(verdict.problems[0]!.detail).toContain(revoked!.id);
  });

  it('when a consent record is inserted, then it is found recorded by no history row', async () => {
    const { relationshipId } = await sceneWithConsents();
    const { seq: _seq, ...copy } = (await consentsOf(relationshipId)).at(-1)! as ConsentRow & {
      seq: number;
    };
    await h.db('consents').insert({ ...copy, id: 'cns_forged', scope: JSON.stringify(copy.scope) });
    const verdict = await verify(relationshipId);
    expect(verdict.problems).toEqual([
      { kind: 'consent', detail: 'consent cns_forged was recorded by no history row' },
    ]);
  });

  it('when a revoked consent is made to stand again, then the revocation row is named', async () => {
    const { relationshipId } = await sceneWithConsents();
    const [revoked] = await consentsOf(relationshipId);
    expect(revoked!.revoked_at).not.toBeNull();
    await h
      .db('consents')
      .where({ id: revoked!.id })
      .update({ revoked_at: null, revoked_by: null, revocation_reason: null });
    const verdict = await verify(relationshipId);
    expect(kindsOf(verdict)).toEqual(['consent']);
    const revokedAt = await seqOf(relationshipId, 'CONSENT_REVOKED');
    expect(verdict.problems[0]!.detail).toContain(`row ${revokedAt} revoked consent`);
  });
});

describe('digests and legitimate change', () => {
  it('when the provider is chosen after a digest was saved, then the digest still verifies', async () => {
    const move = await Move.start(h.app, h.adminToken);
    await move.importCustomers([buildCustomer()]);
    await move.toPartnering();
    const saved = await digestOfPartner(move);
    expect(saved.workflows.find((w) => w.id === move.transitionId)).toMatchObject({
      partnerId: move.team.partnerId,
      parentId: null,
      customerId: null,
      providerId: null,
    });
    await move.toInvitationSent();
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: move.provider.id,
    });
    expect((await move.get(move.transitionId)).providerId).toBe(move.provider.id);
    expect(await verifyDigest(saved)).toMatchObject({ valid: true, diverged: [] });
  });
});

describe('digest verification cost', () => {
  it('when a digest lists one workflow 5,000 times, then it answers valid', async () => {
    const { move } = await sceneWithConsents();
    const entry = (await digestOfPartner(move)).workflows.find((w) => w.id === move.transitionId)!;
    // Entries in the shape saved before access fields existed: 5,000 of them stay under the
    // 1 MiB body limit, and such a digest must still verify.
    const workflows = Array.from({ length: 5000 }, () => ({
      id: entry.id,
      length: entry.length,
      headHash: entry.headHash,
    }));
    const verdict = await verifyDigest({
      generatedAt: new Date().toISOString(),
      partnerId: null,
      workflows,
      digest: digestOf(workflows),
    });
    expect(verdict).toEqual({ valid: true, checked: 5000, digestIntact: true, diverged: [] });
  });
});
