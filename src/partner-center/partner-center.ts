/**
 * What Tiershift asks of Partner Center (and of Microsoft Graph, for GDAP). One implementation
 * speaks HTTP (`http-client.ts`); pointed at the simulator (`npm run simulator`) it is the same
 * code. Shapes follow Partner Center's REST documentation, field for field, so the simulator
 * and the real service answer alike.
 */

/** Whose behalf a call acts on: a partner's or a provider's App+User credentials. */
export interface PartnerCenterCredentials {
  /** The Entra tenant the credentials belong to: the partner's or provider's own tenant. */
  tenantId: string;
  /** The Entra application registered for Partner Center. */
  clientId: string;
  clientSecret: string;
  /** A user's refresh token, exchanged for App+User access tokens. */
  refreshToken: string;
}

/**
 * Ids sent with a call: `MS-RequestId` makes a retry idempotent (Partner Center answers a
 * repeated id with the first answer and does nothing twice); `MS-CorrelationId` ties the calls
 * of one step together in Microsoft's logs. Both are kept as evidence in the history.
 */
export interface CallIds {
  requestId: string;
  correlationId: string;
}

/** A call's answer with the ids it went under. */
export interface Answered<T> {
  body: T;
  ids: CallIds;
}

/** `3` is New Commerce: Azure plan, reservations, savings plans and license-based offers. */
export const newCommerceTransferType = 3;

/** The body a target partner (the provider) posts to create a transfer request. */
export interface NewTransfer {
  sourcePartnerTenantId: string;
  sourcePartnerName: string;
  customerEmailId: string;
  customerName?: string;
  targetPartnerTenantId: string;
  /** The indirect reseller's PartnerID (MPN id): the transitioning partner's. */
  partnerOnRecord: string;
  transferType: typeof newCommerceTransferType;
}

export type TransferStatus = 'Active' | 'InProgress' | 'Complete' | 'Expired' | 'Cancelled';
export type TransferLineStatus = 'Pending' | 'InProgress' | 'Complete' | 'Failed';

export interface TransferError {
  code: number;
  description: string;
}

/** One subscription on a transfer; its add-ons ride along in `addOnItems`. */
export interface TransferLineItem {
  id: number;
  subscriptionId: string;
  quantity: number;
  billingCycle: string;
  friendlyName: string;
  partnerIdOnRecord: string;
  /** Filled once the transfer completed: the subscription's id at the target. */
  transferredSubscriptionId?: string;
  status?: TransferLineStatus;
  transferError?: TransferError | null;
  addOnItems?: TransferLineItem[];
}

export interface Transfer {
  id: string;
  status: TransferStatus;
  transferType: number;
  customerTenantId: string;
  customerEmailId: string;
  customerName?: string;
  sourcePartnerTenantId: string;
  sourcePartnerName: string;
  targetPartnerTenantId: string;
  partnerOnRecord: string;
  createdTime: string;
  lastModifiedTime: string;
  expirationTime: string;
  lineItems: TransferLineItem[];
}

/** The MCA template; `templateId` goes on every acceptance recorded. */
export interface AgreementMetadata {
  templateId: string;
  agreementType: 'MicrosoftCustomerAgreement';
  agreementLink: string;
  versionRank: number;
}

export interface AgreementContact {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber?: string;
}

/** A customer's acceptance of the MCA, as the provider records it. */
export interface Agreement {
  primaryContact: AgreementContact;
  /** YYYY-MM-DD; Partner Center refuses a future date (600002). */
  dateAgreed: string;
  templateId: string;
  type: 'MicrosoftCustomerAgreement';
}

export interface DirectSignedMcaStatus {
  isSigned: boolean;
}

/** A partner the customer has a relationship with, as `GET …/relationships` lists it. */
export interface CustomerRelationship {
  /** The partner's tenant id. */
  id: string;
  name: string;
  /** The kinds Tiershift reads, or any other; the intersection keeps the two named in editors. */
  relationshipType:
    'IsIndirectResellerOf' | 'IsIndirectCloudSolutionProviderOf' | (string & Record<never, never>);
}

export interface MigrationRequest {
  currentSubscriptionId: string;
  termDuration: string;
  billingCycle: string;
  purchaseFullTerm: boolean;
  quantity?: number;
}

export interface MigrationValidation {
  currentSubscriptionId: string;
  isEligible: boolean;
  errors: Array<{ code: number; description: string }>;
}

export type MigrationStatus = 'Processing' | 'Completed' | 'Failed';

export interface Migration {
  id: string;
  status: MigrationStatus;
  customerTenantId: string;
  currentSubscriptionId: string;
  /** The subscription the migration created, once completed. */
  newCommerceSubscriptionId?: string;
  errorCode?: number;
  errorDescription?: string;
}

export type GdapStatus =
  | 'created'
  | 'approvalPending'
  | 'approved'
  | 'activating'
  | 'active'
  | 'expiring'
  | 'expired'
  | 'terminating'
  | 'terminated';

export interface NewGdapRelationship {
  displayName: string;
  /** ISO 8601 duration, at most P730D. */
  duration: string;
  customer: { tenantId: string };
  accessDetails: { unifiedRoles: Array<{ roleDefinitionId: string }> };
}

export interface GdapRelationship extends NewGdapRelationship {
  id: string;
  status: GdapStatus;
  createdDateTime: string;
  activatedDateTime?: string | null;
  endDateTime?: string | null;
}

/**
 * Everything Tiershift calls. Each method takes the credentials of the side that acts and the
 * ids to send; it retries throttling (429, honouring `Retry-After`) and transient failures
 * itself under the same `MS-RequestId`, and throws `PartnerCenterError` when it gives up or is
 * refused.
 */
export interface PartnerCenter {
  // Transfers: the target creates and cancels; either side reads; the source submits.
  createTransfer(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    transfer: NewTransfer,
    ids: CallIds,
  ): Promise<Answered<Transfer>>;
  getTransfer(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    transferId: string,
    ids: CallIds,
  ): Promise<Answered<Transfer>>;
  listTransfers(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    ids: CallIds,
  ): Promise<Answered<Transfer[]>>;
  submitTransfer(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    transferId: string,
    lineItems: TransferLineItem[],
    ids: CallIds,
  ): Promise<Answered<Transfer>>;
  cancelTransfer(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    transferId: string,
    ids: CallIds,
  ): Promise<Answered<Transfer>>;

  // The Microsoft Customer Agreement.
  getMcaTemplate(as: PartnerCenterCredentials, ids: CallIds): Promise<Answered<AgreementMetadata>>;
  createAgreement(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    agreement: Agreement,
    ids: CallIds,
  ): Promise<Answered<Agreement>>;
  listAgreements(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    ids: CallIds,
  ): Promise<Answered<Agreement[]>>;
  getDirectSignedMcaStatus(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    ids: CallIds,
  ): Promise<Answered<DirectSignedMcaStatus>>;

  // Relationships.
  listRelationships(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    ids: CallIds,
  ): Promise<Answered<CustomerRelationship[]>>;

  // New-commerce migrations: the source partner validates, then migrates.
  validateMigration(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    request: MigrationRequest,
    ids: CallIds,
  ): Promise<Answered<MigrationValidation>>;
  createMigration(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    request: MigrationRequest,
    ids: CallIds,
  ): Promise<Answered<Migration>>;
  getMigration(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    migrationId: string,
    ids: CallIds,
  ): Promise<Answered<Migration>>;
  /**
   * The caller's migrations of one subscription, whatever became of them ("Query new commerce
   * migrations", filtered by customer and current subscription id).
   */
  findMigrations(
    as: PartnerCenterCredentials,
    customerTenantId: string,
    currentSubscriptionId: string,
    ids: CallIds,
  ): Promise<Answered<Migration[]>>;

  // GDAP, on Microsoft Graph.
  createGdapRelationship(
    as: PartnerCenterCredentials,
    relationship: NewGdapRelationship,
    ids: CallIds,
  ): Promise<Answered<GdapRelationship>>;
  lockGdapForApproval(
    as: PartnerCenterCredentials,
    relationshipId: string,
    ids: CallIds,
  ): Promise<Answered<{ id: string; action: 'lockForApproval'; status: string }>>;
  getGdapRelationship(
    as: PartnerCenterCredentials,
    relationshipId: string,
    ids: CallIds,
  ): Promise<Answered<GdapRelationship>>;
  /**
   * The caller's relationships of that exact `displayName`: Graph keeps it unique among a
   * partner's relationships, so it finds one a call may have created without being heard.
   */
  listGdapRelationships(
    as: PartnerCenterCredentials,
    filter: { displayName: string },
    ids: CallIds,
  ): Promise<Answered<GdapRelationship[]>>;
}

/**
 * Partner Center said no, or could not be reached in the time allowed. `code` and
 * `description` are Partner Center's own (`{code, description, data, source}`); `problem` is
 * ours, and `retryable` says whether trying again later may succeed.
 */
export class PartnerCenterError extends Error {
  constructor(
    readonly problem:
      | 'partner_center_throttled'
      | 'partner_center_unavailable'
      | 'partner_center_unauthorized'
      | 'partner_center_not_found'
      | 'partner_center_rejected',
    readonly status: number | null,
    readonly code: string | null,
    readonly description: string,
    readonly retryable: boolean,
    readonly ids: CallIds,
    /**
     * How long Partner Center asked to be left alone (`Retry-After`), when it asked for longer
     * than the client waits itself: a caller retrying later should wait at least this long.
     */
    readonly retryAfterMs?: number,
  ) {
    super(`${problem}: ${description}`);
    this.name = 'PartnerCenterError';
  }
}

/** The webhook events Partner Center sends that Tiershift listens for. */
export const partnerCenterWebhookEvents = [
  'complete-transfer',
  'fail-transfer',
  'indirect-reseller-relationship-accepted-by-customer',
  'reseller-relationship-accepted-by-customer',
] as const;
export type PartnerCenterWebhookEvent = (typeof partnerCenterWebhookEvents)[number];

/** The body of a Partner Center webhook. */
export interface PartnerCenterWebhookBody {
  EventName: string;
  ResourceUri: string;
  ResourceName: string;
  AuditUri: string | null;
  ResourceChangeUtcDate: string;
}
