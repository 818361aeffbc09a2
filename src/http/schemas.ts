import { z } from 'zod';
import type { WorkflowDefinition } from '../../machines/common.ts';
import { definitions } from '../../machines/registry.ts';
import { apiSchema } from './api-schema.ts';
import { enrollmentProfile } from '../../machines/enrollment/enrollment.profile.ts';
import { customerFields, name, region } from './customer-schemas.ts';

export { customerImport, customerInput, region, type CustomerInput } from './customer-schemas.ts';

const mpnId = z
  .string()
  .trim()
  .regex(/^\d{5,10}$/, 'a PartnerID of 5 to 10 digits');

export const createPrincipal = z.strictObject({
  name,
  role: z.enum(['admin', 'manager', 'global_admin', 'provider', 'auditor']),
  partnerId: z.string().optional(),
  providerId: z.string().optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('in the future; no token of the principal works after it'),
});

const principalFields = {
  id: z.string(),
  name: z.string(),
  role: z.string(),
  partnerId: z.string().nullable(),
  providerId: z.string().nullable(),
  expiresAt: z.string().nullable(),
};

export const principalCreated = apiSchema(
  'PrincipalCreated',
  z.object({
    ...principalFields,
    token: z.string().describe('shown once; only its hash is stored'),
  }),
);

export const principalView = apiSchema(
  'Principal',
  z.object({
    ...principalFields,
    status: z.enum(['active', 'revoked', 'expired']),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
    revocationReason: z.string().nullable(),
    overlapEndsAt: z
      .string()
      .nullable()
      .describe('while a rotation overlaps: when the tokens it replaced stop working'),
  }),
);

/** A day by default: a deployment has time to roll the new token out; 30 days at most. */
export const rotatePrincipal = z.strictObject({
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
});

export const principalRotated = apiSchema(
  'PrincipalRotated',
  principalCreated.extend({
    overlapEndsAt: z
      .string()
      .nullable()
      .describe('when the tokens the new one replaces stop working; null when they already did'),
  }),
);

export const revokePrincipal = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
});

export const createProvider = z.strictObject({ name, mpnId, region });
export const provider = apiSchema(
  'Provider',
  z.object({
    id: z.string(),
    name: z.string(),
    mpnId: z.string(),
    region: z.string(),
    createdAt: z.string(),
  }),
);

export const createPartner = z.strictObject({
  name,
  mpnId,
  plaId: z.string().trim().min(1).max(50),
  plaRegion: region,
  cspRegion: region,
  tenantId: z.uuid(),
  profile: enrollmentProfile.optional(),
});
export const updatePartner = createPartner.partial();
export const partner = apiSchema(
  'Partner',
  z.object({
    id: z.string(),
    name: z.string(),
    mpnId: z.string(),
    plaId: z.string(),
    plaRegion: z.string(),
    cspRegion: z.string(),
    tenantId: z.string(),
    profile: enrollmentProfile,
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

apiSchema('EnrollmentProfile', enrollmentProfile);

// Not an `extend` of the input: the two must stay separate components.
export const customer = apiSchema(
  'Customer',
  z.strictObject({
    ...customerFields,
    id: z.string(),
    partnerId: z.string(),
    providerNeedsAdmin: z.boolean(),
    createdAt: z.string(),
  }),
);

export const createTransition = z.strictObject({
  partnerId: z.string().min(1),
  tenantStrategy: z.enum(['existing_tenant', 'new_tenant']),
  migrationDeadline: z.iso.date().optional(),
});

const nextEvent = apiSchema(
  'NextEvent',
  z.object({ type: z.string(), roles: z.array(z.string()).describe('who may send it now') }),
);
const fieldError = apiSchema(
  'FieldError',
  z.object({ path: z.string().describe('dotted; empty for the whole body'), message: z.string() }),
);

const workflowFields = {
  id: z.string(),
  machine: z.string(),
  machineVersion: z.number().int(),
  parentId: z.string().nullable(),
  partnerId: z.string(),
  customerId: z.string().optional(),
  providerId: z.string().optional(),
  state: z.string().describe('deepest contract state, dotted'),
  stateValue: z.unknown().describe("XState's state value, nested for parallel or compound states"),
  status: z.enum(['active', 'done', 'cancelled']),
  nextEvents: z.array(nextEvent),
  flags: z.array(z.string()),
  version: z.number().int().describe('as the ETag and If-Match give it'),
  createdAt: z.string(),
  updatedAt: z.string(),
};

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** A machine's context as the API shows it: a provider sees no bill-to until it is shared. */
function viewedContext(definition: WorkflowDefinition): z.ZodType {
  const { context } = definition;
  if (!(context instanceof z.ZodObject) || !('billTo' in context.shape)) return context;
  return context.extend({
    billTo: (context.shape.billTo as z.ZodType)
      .optional()
      .describe('left out for a provider until the bill-to sharing is confirmed'),
  });
}

/** A workflow of one machine, with that machine's context and output. */
function machineWorkflow(definition: WorkflowDefinition) {
  const name = pascal(definition.name);
  return apiSchema(
    `${name}Workflow`,
    z.object({
      ...workflowFields,
      machine: z.literal(definition.name),
      context: apiSchema(`${name}Context`, viewedContext(definition)),
      output: apiSchema(`${name}Output`, definition.output)
        .optional()
        .describe('once the workflow is done'),
    }),
  );
}

/** A row stored by a machine version this server does not run: shown, never interpreted. */
const unsupportedWorkflow = apiSchema(
  'UnsupportedWorkflow',
  z.object({
    ...workflowFields,
    stateValue: z.null(),
    context: z.null(),
    flags: z.array(z.string()).describe('holds `machine_version_unsupported`'),
  }),
);

export const workflow = apiSchema(
  'Workflow',
  z.union([...[...definitions.values()].map(machineWorkflow), unsupportedWorkflow]),
);

/**
 * A workflow as an earlier version of its machine kept it: what time travel shows at a row
 * written before the workflow was migrated. Which versions are stored changes with the
 * data, not with this document, so their shape is described by `machineVersion` alone.
 */
const pastVersionWorkflow = apiSchema(
  'PastVersionWorkflow',
  z.object({
    ...workflowFields,
    context: z
      .record(z.string(), z.unknown())
      .describe('as `machineVersion` of the machine kept it; bill-to withheld as everywhere'),
    output: z.unknown().optional().describe('once the workflow is done'),
  }),
);

/** The workflow right after one of its history rows: as it is stored now, or as a past version kept it. */
export const workflowAtRow = apiSchema('WorkflowAtRow', z.union([workflow, pastVersionWorkflow]));

export const workflowQuery = z.strictObject({
  machine: z.string().optional(),
  state: z.string().optional(),
  partnerId: z.string().optional(),
  customerId: z.string().optional(),
  parentId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().optional(),
});

export const historyEntry = apiSchema(
  'HistoryEntry',
  z.object({
    seq: z.number().int(),
    type: z.string(),
    payload: z.record(z.string(), z.unknown()),
    actor: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    requestId: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string(),
    outcome: z.enum(['applied', 'rejected']),
    reason: z.record(z.string(), z.unknown()).optional(),
    at: z.string(),
    bindings: z
      .object({
        subject: z
          .object({
            partnerId: z.string(),
            parentId: z.string().nullable(),
            customerId: z.string().nullable(),
            providerId: z.string().nullable(),
          })
          .optional(),
        consent: z.object({ id: z.string(), sha256: z.string() }).optional(),
      })
      .optional()
      .describe('records outside the history this row vouches for; covered by its hash'),
    hash: z.string(),
    prevHash: z.string(),
  }),
);

export const problem = apiSchema(
  'Problem',
  z
    .looseObject({
      type: z.string().describe('a URI naming the problem, ending in its code'),
      title: z.string(),
      status: z.number().int(),
      detail: z.string().describe('what went wrong, in words for a person'),
      code: z.string().describe('what went wrong, for a program: see each status'),
      errors: z
        .array(fieldError)
        .optional()
        .describe('`validation_failed`: every field refused, and why'),
      reasons: z
        .array(z.string())
        .optional()
        .describe('a domain rule refused it: the code of every unmet rule'),
      nextEvents: z
        .array(nextEvent)
        .optional()
        .describe('`event_not_allowed`: what the workflow takes now, and from whom'),
      currentVersion: z
        .number()
        .int()
        .optional()
        .describe('`version_conflict`: the version to send in `If-Match` after a fresh read'),
      workflowId: z.string().optional().describe('`transition_exists`: the open transition'),
    })
    .describe(
      'An RFC 9457 problem. Other fields a rule names (such as the ids it refused) may be present.',
    ),
);

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
