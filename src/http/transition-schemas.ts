import { z } from 'zod';
import { partnershipStatus } from '../../machines/transition/transition.rules.ts';
import { customerMachines } from '../store/customer-table.ts';
import { apiSchema } from './api-schema.ts';
import { limitParam } from './cursor.ts';

const status = z.enum(['active', 'done', 'cancelled']);
const searchText = z.string().trim().min(1).max(200);

export const transitionListQuery = z.strictObject({
  state: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('a contract state of the transition; a parent state matches its nested ones'),
  flag: z.string().min(1).max(100).optional().describe('only transitions that carry this flag now'),
  search: searchText.optional().describe("part of the partner's name, any case"),
  limit: limitParam,
  cursor: z.string().optional(),
});

export const transitionSummary = apiSchema(
  'TransitionSummary',
  z
    .object({
      id: z.string(),
      partnerId: z.string(),
      partnerName: z.string(),
      state: z.string().describe('deepest contract state, dotted'),
      status,
      flags: z
        .array(z.string())
        .describe(
          "the transition's flags now, plus `enrollmentOverdue` while its enrollment is in `pendingApproval.overdue`",
        ),
      customers: z
        .object({
          total: z.number().int().describe('direct-bill customers planned for the move'),
          moved: z.number().int(),
          excluded: z.number().int(),
          inProgress: z.number().int().describe('total − moved − excluded'),
        })
        .nullable()
        .describe('null for a row stored by a machine version this server does not run'),
      transfersCompleted: z
        .number()
        .int()
        .describe('subscription-transfer children in state `completed`'),
      enrollment: z
        .object({ id: z.string(), state: z.string(), status })
        .nullable()
        .describe('the newest enrollment child, once there is one'),
      providerId: z.string().nullable().describe('the provider whose invitation was accepted'),
      partnerships: z
        .array(z.object({ providerId: z.string(), status: partnershipStatus }))
        .describe('every provider asked for a partnership, with where it stands'),
      migrationDeadline: z.string().nullable(),
      lastActivity: z.string().describe('the newest change of the transition or of any child'),
      createdAt: z.string(),
    })
    .describe("A transition's progress at a glance."),
);

export const transitionSummaryPage = apiSchema(
  'TransitionSummaryPage',
  z.object({ items: z.array(transitionSummary), nextCursor: z.string().nullable() }),
);

export const customerSort = z.enum(['name', 'since', ...customerMachines]);

export const customerTableQuery = z
  .strictObject({
    machine: z
      .enum(customerMachines)
      .optional()
      .describe('the workflow `state` and `sort=since` refer to; alone, customers that have one'),
    state: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('with `machine`: its contract state; a parent state matches its nested ones'),
    outcome: z.enum(['moved', 'excluded', 'none']).optional(),
    search: searchText.optional().describe("part of the customer's name or tenant id, any case"),
    sort: customerSort
      .default('name')
      .describe(
        '`name`; `since` (of `machine`, or the last change of any of the three); or a machine, by its state',
      ),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: limitParam,
    cursor: z.string().optional(),
  })
  .refine((query) => query.state === undefined || query.machine !== undefined, {
    path: ['state'],
    message: 'a state needs the machine it belongs to',
  });

const customerWorkflow = apiSchema(
  'CustomerWorkflow',
  z
    .object({
      id: z.string(),
      state: z.string(),
      status,
      since: z
        .string()
        .describe("the workflow's last change (its `updatedAt`): in this state since then"),
    })
    .nullable()
    .describe('the newest workflow of this machine for the customer; null until there is one'),
);

export const customerTableRow = apiSchema(
  'TransitionCustomer',
  z.object({
    customerId: z.string(),
    name: z.string(),
    tenantId: z.string(),
    outcome: z.enum(['moved', 'excluded', 'none']),
    workflows: z.object({
      resellerRelationship: customerWorkflow,
      mcaReacceptance: customerWorkflow,
      subscriptionTransfer: customerWorkflow,
    }),
  }),
);

export const customerTablePage = apiSchema(
  'TransitionCustomerPage',
  z.object({
    items: z.array(customerTableRow),
    nextCursor: z.string().nullable(),
    total: z.number().int().describe('how many customers match the filters, on every page'),
  }),
);
