import type { Express } from 'express';
import { expect } from 'vitest';
import {
  buildCustomer,
  buildPartner,
  buildProvider,
  createPartnerTeam,
  createPrincipal,
  type PartnerTeam,
} from './factories.ts';
import { as } from './harness.ts';

export interface Workflow {
  id: string;
  machine: string;
  state: string;
  status: string;
  version: number;
  customerId?: string;
  providerId?: string;
  context: Record<string, unknown>;
  output?: Record<string, unknown>;
  flags: string[];
  nextEvents: Array<{ type: string; roles: string[] }>;
}

export interface Provider {
  id: string;
  token: string;
}

/** A partner's move driven over the API, with the people who act in it. */
export class Move {
  transitionId = '';
  /** Every answer to an event this move sent, in order: what the API said at the time. */
  readonly answers: Array<{ id: string; workflow: Workflow }> = [];

  private constructor(
    readonly app: Express,
    readonly adminToken: string,
    readonly team: PartnerTeam,
    readonly provider: Provider,
    /** The partner as it was created: its `mpnId` is what a transfer request names. */
    readonly partner: ReturnType<typeof buildPartner>,
  ) {}

  static async start(app: Express, adminToken: string, partner = buildPartner()): Promise<Move> {
    const team = await createPartnerTeam(app, adminToken, partner);
    const move = new Move(
      app,
      adminToken,
      team,
      await Move.provider(app, adminToken, partner.cspRegion),
      partner,
    );
    const res = await as(app, team.manager).post('/v1/transitions', {
      partnerId: team.partnerId,
      tenantStrategy: 'new_tenant',
    });
    expect(res.status).toBe(201);
    move.transitionId = (res.body as Workflow).id;
    return move;
  }

  /** A move migrating one customer, whose relationship waits at the consent checkpoint. */
  static async atConsentCheckpoint(
    app: Express,
    adminToken: string,
  ): Promise<{ move: Move; relationship: Workflow; customerId: string }> {
    const move = await Move.start(app, adminToken);
    const [customerId] = await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    const relationship = await move.childOf('resellerRelationship', customerId!);
    await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
    return { move, relationship, customerId: customerId! };
  }

  static async provider(app: Express, adminToken: string, region: string): Promise<Provider> {
    const created = await as(app, adminToken).post('/v1/providers', buildProvider({ region }));
    const id = (created.body as { id: string }).id;
    return {
      id,
      token: await createPrincipal(app, adminToken, { role: 'provider', providerId: id }),
    };
  }

  async send(
    token: string,
    id: string,
    event: Record<string, unknown>,
    expected = 200,
  ): Promise<Workflow> {
    const res = await as(this.app, token).post(`/v1/workflows/${id}/events`, event);
    expect(res.status, `${String(event.type)}: ${JSON.stringify(res.body)}`).toBe(expected);
    if (res.status === 200) this.answers.push({ id, workflow: res.body as Workflow });
    return res.body as Workflow;
  }

  async get(id: string, token = this.adminToken): Promise<Workflow> {
    const res = await as(this.app, token).get(`/v1/workflows/${id}`);
    expect(res.status).toBe(200);
    return res.body as Workflow;
  }

  async children(query: string, token = this.adminToken): Promise<Workflow[]> {
    const res = await as(this.app, token).get(
      `/v1/workflows?parentId=${this.transitionId}&limit=500&${query}`,
    );
    expect(res.status).toBe(200);
    return (res.body as { items: Workflow[] }).items;
  }

  /** The newest child of a machine for a customer. */
  async childOf(machine: string, customerId: string): Promise<Workflow> {
    const items = await this.children(`machine=${machine}&customerId=${customerId}`);
    expect(items.length, `${machine} for ${customerId}`).toBeGreaterThan(0);
    return items.at(-1)!;
  }

  async importCustomers(customers: object[]): Promise<string[]> {
    const res = await as(this.app, this.team.manager).post(
      `/v1/partners/${this.team.partnerId}/customers`,
      customers,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { items: Array<{ id: string }> }).items.map((c) => c.id);
  }

  /** Preparation, new tenant, enrollment and its approval: the transition reaches partnering. */
  async toPartnering(): Promise<void> {
    const { manager, globalAdmin } = this.team;
    await this.send(manager, this.transitionId, { type: 'CONFIRM_PROFILE' });
    await this.send(globalAdmin, this.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const [enrollment] = await this.children('machine=enrollment');
    await this.send(globalAdmin, enrollment!.id, { type: 'SUBMIT' });
    await this.send(this.adminToken, enrollment!.id, { type: 'APPROVE' });
    await this.send(globalAdmin, enrollment!.id, {
      type: 'ACCEPT_AGREEMENT',
      agreementVersion: 'MPA-2026',
    });
    expect((await this.get(this.transitionId)).state).toBe('partnering');
  }

  /** From partnering: this move's provider asked, and its invitation sent. */
  async toInvitationSent(): Promise<void> {
    await this.send(this.team.manager, this.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: this.provider.id,
    });
    await this.send(this.provider.token, this.transitionId, {
      type: 'PROVIDER_INVITATION_SENT',
      providerId: this.provider.id,
    });
  }

  /** The partnership with this move's provider, up to migratingCustomers. */
  async toMigrating(): Promise<Workflow> {
    await this.toPartnering();
    await this.toInvitationSent();
    return this.send(this.team.globalAdmin, this.transitionId, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: this.provider.id,
    });
  }
}
