import type {
  Agreement,
  GdapRelationship,
  Migration,
  MigrationRequest,
  Transfer,
} from '../partner-center.ts';

/** A partner or provider tenant with the App+User credentials it signs in with. */
export interface Account {
  tenantId: string;
  name: string;
  mpnId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  kind: 'partner' | 'provider';
  /** The signed-in user's object id, which Partner Center writes on agreements it records. */
  userId: string;
}

export interface Subscription {
  id: string;
  offerId: string;
  friendlyName: string;
  quantity: number;
  billingCycle: string;
  /** Legacy (not new commerce): it must be migrated before it can be transferred. */
  legacy: boolean;
  /** Set on an add-on: the subscription it belongs to. */
  baseSubscriptionId?: string;
  /** The partner that bills it. */
  partnerTenantId: string;
  partnerIdOnRecord?: string;
  status: 'active' | 'transferred' | 'migrated';
}

export type RelationshipType = 'is_indirect_cloud_solution_provider_of' | 'is_indirect_reseller_of';

export interface Relationship {
  partnerTenantId: string;
  relationshipType: RelationshipType;
  acceptedAt: string;
}

export interface Customer {
  tenantId: string;
  name: string;
  email: string;
  /** The partner the customer buys from directly today. */
  partnerTenantId: string;
  subscriptions: Subscription[];
  relationships: Relationship[];
  /** Signed the MCA itself, in the Microsoft 365 admin center. */
  signedMcaDirectly: boolean;
  agreements: Array<Agreement & { userId: string }>;
}

export interface StoredTransfer extends Transfer {
  targetPartnerName: string;
  completedTime?: string;
}

export interface StoredMigration extends Migration {
  partnerTenantId: string;
  startedTime: string;
  completedTime?: string;
  request: MigrationRequest;
}

export interface StoredGdap extends GdapRelationship {
  customer: { tenantId: string; displayName: string };
  autoExtendDuration: string;
  partnerTenantId: string;
  lastModifiedDateTime: string;
}

export interface WebhookRegistration {
  subscriberId: string;
  url: string;
  events: string[];
}

/** One effect carried out, or one repeated call answered again without carrying it out. */
export interface CallRecord {
  seq: number;
  at: string;
  operation: string;
  account: string | null;
  customer: string | null;
  requestId: string | null;
  correlationId: string | null;
  replayed: boolean;
  status: number | null;
}

export interface DeliveryRecord {
  seq: number;
  at: string;
  account: string;
  url: string;
  eventName: string;
  body: string;
  attempt: number;
  /** `lost` was dropped on purpose and never sent; `duplicate` is the second copy sent. */
  outcome: 'delivered' | 'failed' | 'lost';
  duplicate: boolean;
  status: number | null;
  error: string | null;
}

/** A request a test asks the simulator to fail, before anything is carried out. */
export interface Fault {
  id: string;
  /** An operation name (`createTransfer`) or `METHOD /path` where `*` stands for one segment. */
  match: string;
  status: 429 | 500 | 503;
  remaining: number;
  retryAfterSeconds: number | undefined;
}

/** The first answer to a mutating call, kept to answer its repetitions with. */
export interface RecordedAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  operations: string[];
  customer: string | null;
}

/** A line that will fail when its transfer completes, as a test asked. */
export interface PlannedLineFailure {
  code: number;
  description: string;
}

/** How the requests to one operation were answered. */
export interface RequestCount {
  /** Every request that reached the operation, whatever became of it. */
  requests: number;
  /** Answered 429 by the throttling (an injected 429 counts as `faulted`). */
  throttled: number;
  /** Answered with a failure a test injected. */
  faulted: number;
  /** Refused for want of a valid bearer token. */
  unauthorized: number;
  /** A repeated mutating call answered with its first answer, nothing carried out. */
  replayed: number;
  /** Sent again under a request id already seen for the same method and path: a retry. */
  retries: number;
}

export type RequestOutcome = 'throttled' | 'faulted' | 'unauthorized' | 'replayed' | 'answered';

const emptyCount = (): RequestCount => ({
  requests: 0,
  throttled: 0,
  faulted: 0,
  unauthorized: 0,
  replayed: 0,
  retries: 0,
});

/** Logs keep their newest entries only, so a long run cannot grow without bound. */
export const logLimit = 20_000;
const answerLimit = 50_000;

/** Everything the simulator knows; held in memory and dropped by a reset. */
export class SimulatorState {
  readonly accounts = new Map<string, Account>();
  readonly customers = new Map<string, Customer>();
  readonly transfers = new Map<string, StoredTransfer>();
  readonly migrations = new Map<string, StoredMigration>();
  readonly gdap = new Map<string, StoredGdap>();
  readonly registrations = new Map<string, WebhookRegistration>();
  /** Access token → the tenant it was issued to and the API it is good for. */
  readonly tokens = new Map<string, { tenantId: string; audience: Audience; expiresAt: number }>();
  readonly answers = new Map<string, RecordedAnswer>();
  readonly lineFailures = new Map<string, PlannedLineFailure>();
  readonly faults: Fault[] = [];
  readonly calls: CallRecord[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  /** Requests to Partner Center's and Graph's operations, by operation. */
  readonly requests = new Map<string, RequestCount>();
  /** Request ids seen, by method and path, to tell a retry from a first attempt. */
  readonly #requestIds = new Set<string>();
  webhooksToLose = 0;
  webhooksToDouble = 0;
  #seq = 0;

  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  record(call: Omit<CallRecord, 'seq'>): void {
    push(this.calls, { seq: this.nextSeq(), ...call });
  }

  recordDelivery(delivery: Omit<DeliveryRecord, 'seq'>): void {
    push(this.deliveries, { seq: this.nextSeq(), ...delivery });
  }

  /**
   * Counts one request to `operation` and how it was answered; `idKey` (method, path and the
   * request id the client sent) tells whether it is a retry.
   */
  countRequest(operation: string, outcome: RequestOutcome, idKey: string | undefined): void {
    const count = this.requests.get(operation) ?? emptyCount();
    count.requests += 1;
    if (outcome !== 'answered') count[outcome] += 1;
    if (idKey !== undefined) {
      if (this.#requestIds.has(idKey)) count.retries += 1;
      else {
        if (this.#requestIds.size >= answerLimit) {
          const oldest = this.#requestIds.values().next();
          if (!oldest.done) this.#requestIds.delete(oldest.value);
        }
        this.#requestIds.add(idKey);
      }
    }
    this.requests.set(operation, count);
  }

  /** The counts of every operation, and their sum. */
  requestTotals(): { total: RequestCount; byOperation: Record<string, RequestCount> } {
    const total = emptyCount();
    for (const count of this.requests.values()) {
      for (const key of Object.keys(total) as Array<keyof RequestCount>) total[key] += count[key];
    }
    return { total, byOperation: Object.fromEntries(this.requests) };
  }

  remember(key: string, answer: RecordedAnswer): void {
    if (this.answers.size >= answerLimit) {
      const oldest = this.answers.keys().next();
      if (!oldest.done) this.answers.delete(oldest.value);
    }
    this.answers.set(key, answer);
  }

  reset(): void {
    for (const map of [
      this.accounts,
      this.customers,
      this.transfers,
      this.migrations,
      this.gdap,
      this.registrations,
      this.tokens,
      this.answers,
      this.lineFailures,
      this.requests,
    ]) {
      map.clear();
    }
    this.#requestIds.clear();
    this.faults.length = 0;
    this.calls.length = 0;
    this.deliveries.length = 0;
    this.webhooksToLose = 0;
    this.webhooksToDouble = 0;
  }
}

export type Audience = 'partnerCenter' | 'graph';

function push<T>(log: T[], entry: T): void {
  log.push(entry);
  if (log.length > logLimit) log.splice(0, log.length - logLimit);
}
