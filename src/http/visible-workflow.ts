import type { Principal } from '../auth/principal.ts';
import { canSeeWorkflow } from '../auth/scope.ts';
import { NotFound } from '../errors.ts';
import type { Database } from '../store/database.ts';
import { findWorkflow, type WorkflowRow } from '../store/workflows.ts';

/** A workflow the principal may read; otherwise 404, so that its existence is not revealed. */
export async function visibleWorkflow(
  db: Database,
  id: string,
  principal: Principal,
): Promise<WorkflowRow> {
  const row = await findWorkflow(db, id);
  if (!row || !(await canSeeWorkflow(db, principal, row))) throw new NotFound('workflow');
  return row;
}
