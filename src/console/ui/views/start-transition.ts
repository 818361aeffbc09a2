import { h, link, uniqueId } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session } from '../session.ts';

/** The roles that may start their partner's transition (`POST /v1/transitions`). */
const starters = new Set(['manager', 'global_admin']);

/**
 * "Start the transition", for the partner's onboarding managers and Global admins: the
 * tenant the partner moves with and, if it has one, the deadline it set itself. A partner
 * with a transition still open is told so, with a link to it. The same key goes with a
 * retry after no answer, so a second click never starts two.
 */
export function startTransitionSection(
  session: Session,
  opened: (id: string) => void,
): HTMLElement | null {
  const { me } = session;
  if (!starters.has(me.role) || !me.partnerId) return null;
  const partnerId = me.partnerId;
  const tenantId = uniqueId('tenant');
  const deadlineId = uniqueId('deadline');
  const deadlineHint = `${deadlineId}-hint`;
  const tenant = h(
    'select',
    { id: tenantId, name: 'tenantStrategy' },
    h('option', { value: 'existing_tenant' }, 'Keep the existing tenant'),
    h('option', { value: 'new_tenant' }, 'A new tenant for the indirect business'),
  );
  const deadline = h('input', {
    id: deadlineId,
    name: 'migrationDeadline',
    type: 'date',
    'aria-describedby': deadlineHint,
  });
  const outcome = h('div', { class: 'outcome' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Start the transition');
  const form = h(
    'form',
    { class: 'start-transition', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: tenantId }, 'Tenant'), tenant),
    h(
      'div',
      { class: 'field' },
      h('label', { for: deadlineId }, 'Migration deadline (optional)'),
      deadline,
      h(
        'p',
        { class: 'hint', id: deadlineHint },
        'The date by which your customers should have moved; flagged once it passes.',
      ),
    ),
    outcome,
    submit,
  );
  let key = `console-${crypto.randomUUID()}`;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    outcome.replaceChildren();
    const body = {
      partnerId,
      tenantStrategy: tenant.value as 'existing_tenant' | 'new_tenant',
      ...(deadline.value ? { migrationDeadline: deadline.value } : {}),
    };
    void session.api
      .POST('/v1/transitions', {
        params: { header: { 'Idempotency-Key': key } },
        body,
      })
      .then(({ data, error }) => {
        if (data) {
          opened(data.id);
          return;
        }
        // A refusal is kept under its key: what is sent next is a new request.
        key = `console-${crypto.randomUUID()}`;
        if (!error) {
          outcome.replaceChildren(unreachableView());
          return;
        }
        const open = typeof error.workflowId === 'string' ? error.workflowId : undefined;
        const shown = problemView(error);
        if (open) {
          shown.append(
            h(
              'p',
              {},
              link(`/workflows/${encodeURIComponent(open)}`, 'Open the transition in progress'),
            ),
          );
        }
        outcome.replaceChildren(shown);
        shown.focus();
      })
      .catch(() => outcome.replaceChildren(unreachableView()))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h(
    'details',
    { class: 'start' },
    h('summary', {}, 'Start the transition of your partner'),
    form,
  );
}
