import { h } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session, Workflow } from '../session.ts';
import { machineLabel } from '../words.ts';
import type { Page } from './page.ts';

/**
 * Reads the workflow a page is about, with the name to head it by ("Transition of Contoso",
 * "MCA re-acceptance"). When it cannot be read, the page shows why under `heading`, and
 * nothing comes back; nothing comes back either once the reader has moved to another page.
 */
export async function readWorkflow(
  session: Session,
  page: Page,
  id: string,
  heading: string,
): Promise<{ workflow: Workflow; name: string; partnerName: string | undefined } | undefined> {
  const answer = await session.api
    .GET('/v1/workflows/{id}', { params: { path: { id } } })
    .catch(() => undefined);
  if (!page.isCurrent()) return undefined;
  if (!answer?.data) {
    const error = answer?.error;
    page.show(h('h1', { tabindex: -1 }, heading), error ? problemView(error) : unreachableView());
    return undefined;
  }
  const workflow = answer.data as Workflow;
  const partnerName = await session.partnerName(workflow.partnerId);
  if (!page.isCurrent()) return undefined;
  const name =
    workflow.machine === 'transition' && partnerName
      ? `Transition of ${partnerName}`
      : machineLabel(workflow.machine);
  return { workflow, name, partnerName };
}
