import { z } from 'zod';
import {
  preflightCodeList,
  preflightCodes,
  preflightSeverities,
  type PreflightCode,
} from '../engine/preflight.ts';
import { apiSchema } from './api-schema.ts';

const count = z.number().int().min(0);
const code = z
  .enum(preflightCodeList as [PreflightCode, ...PreflightCode[]])
  .describe(
    `What was found. Severity of each: ${preflightCodeList.map((c) => `\`${c}\` ${preflightCodes[c]}`).join(', ')}.`,
  );
const severity = z
  .enum(preflightSeverities)
  .describe(
    '`blocker`: as the data stands a transfer would be refused; `action`: a step someone must take by hand; `info`: nothing to do.',
  );

export const preflightFinding = apiSchema(
  'PreflightFinding',
  z.object({
    code,
    severity,
    subscriptionId: z
      .string()
      .optional()
      .describe('the subscription it is about (its new id once migrated); absent for the customer'),
    detail: z.string().describe('what is wrong and what to do, in plain words'),
  }),
);

export const preflightReport = apiSchema(
  'Preflight',
  z.object({
    transitionId: z.string(),
    partnerId: z.string(),
    state: z.string().describe("the transition's state when the report was made"),
    providerId: z.string().nullable().describe('the provider chosen, once there is one'),
    asOf: z.iso.date().describe('the UTC date days are counted from (`term_ending_soon`)'),
    region: z
      .object({
        code: z.string().describe('ISO 3166-1 alpha-2'),
        source: z
          .enum(['provider', 'partner'])
          .describe(
            "the chosen provider's region, or before one is chosen the partner's CSP region",
          ),
      })
      .describe('where the customers must be billed to move'),
    partnerFindings: z
      .array(preflightFinding)
      .describe('about the partner: whether it can be the partner of record on the transfers'),
    customers: z
      .array(
        z.object({
          customerId: z.string(),
          name: z.string(),
          tenantId: z.string(),
          findings: z.array(preflightFinding),
        }),
      )
      .describe(
        'every direct-bill customer still to move (neither moved nor excluded), in import order, with its findings (possibly none)',
      ),
    totals: z.object({
      customers: count.describe('customers still to move'),
      customersBlocked: count.describe('of them, those with at least one blocker of their own'),
      bySeverity: z
        .object({ blocker: count, action: count, info: count })
        .describe('every finding, the partner’s included'),
      byCode: z
        .object(
          Object.fromEntries(preflightCodeList.map((c) => [c, count])) as Record<
            PreflightCode,
            typeof count
          >,
        )
        .describe('every code, 0 when not found'),
    }),
  }),
);
