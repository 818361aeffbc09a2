import {
  PartnerCenterError,
  type Answered,
  type GdapRelationship,
  type NewGdapRelationship,
  type PartnerCenter,
  type PartnerCenterCredentials,
} from '../partner-center.ts';
import { callIds, type CallMessage } from './call-message.ts';

/** Graph's limit on a relationship's `displayName`. */
const displayNameMax = 50;

/**
 * The name of the relationship one GDAP step asks for: the customer's, then the tails of the
 * workflow's id (for people looking in Partner Center) and of the step's own request id. The
 * step's id keeps it apart from a relationship asked for earlier by the same workflow, which
 * expired or was ended and still holds its name: Graph keeps names unique per partner.
 */
export function gdapDisplayName(customerName: string, workflowId: string, requestId: string) {
  const tail = ` ${workflowId.slice(-8)}-${requestId.slice(0, 8)}`;
  return `${customerName.slice(0, displayNameMax - tail.length).trim()}${tail}`;
}

export interface GdapRequested {
  relationship: GdapRelationship;
  /** The last call of the step, whose ids the history keeps as evidence. */
  answered: Answered<unknown>;
}

const refused = (error: unknown): error is PartnerCenterError =>
  error instanceof PartnerCenterError && error.problem === 'partner_center_rejected';

/**
 * Creates a GDAP relationship and locks it for the customer's approval, so that trying the
 * step again does neither twice. Graph takes no notice of `MS-RequestId`: an attempt whose
 * create went through unheard (a lost answer, a worker that died, a failed lock after it)
 * would otherwise create a second relationship. So the step first looks for its own by name,
 * and locks only one still `created`.
 */
export async function requestGdapRelationship(
  pc: PartnerCenter,
  as: PartnerCenterCredentials,
  wanted: NewGdapRelationship,
  message: CallMessage,
): Promise<GdapRequested> {
  const find = async (part: string): Promise<GdapRequested | undefined> => {
    const listed = await pc.listGdapRelationships(
      as,
      { displayName: wanted.displayName },
      callIds(message, part),
    );
    const found = listed.body.find((r) => r.displayName === wanted.displayName);
    return found ? { relationship: found, answered: listed } : undefined;
  };

  const create = async (): Promise<GdapRequested> => {
    try {
      const created = await pc.createGdapRelationship(as, wanted, callIds(message, 'create'));
      return { relationship: created.body, answered: created };
    } catch (error) {
      // Refused for its name, perhaps: an earlier attempt's relationship Graph did not list yet.
      if (!refused(error)) throw error;
      const found = await find('find again');
      if (!found) throw error;
      return found;
    }
  };

  const made = (await find('find')) ?? (await create());
  if (made.relationship.status !== 'created') return made;

  try {
    const locked = await pc.lockGdapForApproval(as, made.relationship.id, callIds(message, 'lock'));
    return { relationship: { ...made.relationship, status: 'approvalPending' }, answered: locked };
  } catch (error) {
    // Graph refuses to lock a relationship no longer `created`: an earlier attempt locked it.
    if (!refused(error)) throw error;
    const read = await pc.getGdapRelationship(as, made.relationship.id, callIds(message, 'read'));
    if (read.body.status === 'created') throw error;
    return { relationship: read.body, answered: read };
  }
}
