import { h } from './dom.ts';
import type { Problem } from './session.ts';
import { humanize, problemLead, reasonLabel, roleLabel } from './words.ts';

export interface ProblemOptions {
  /** The label of the field an `errors[].path` names, when the form has it. */
  labelOf?: (path: string) => string | undefined;
  /** Offered on a version conflict: read the workflow again. */
  reload?: () => void;
}

function lead(problem: Problem): string {
  if (problem.reasons && problem.reasons.length > 0) {
    return problem.reasons.length === 1
      ? 'A requirement is not met yet:'
      : `${problem.reasons.length} requirements are not met yet:`;
  }
  if (problem.errors && problem.errors.length > 0) return 'Some fields need attention:';
  return problemLead(problem.code, problem.detail);
}

/**
 * A refusal, in words, with every reason it gives: each unmet rule, each field refused, what
 * the workflow takes instead. Announced to screen readers as it appears.
 */
export function problemView(problem: Problem, options: ProblemOptions = {}): HTMLElement {
  const reasons = problem.reasons ?? [];
  const errors = problem.errors ?? [];
  const next = problem.code === 'event_not_allowed' ? (problem.nextEvents ?? []) : [];
  return h(
    'div',
    { class: 'problem', role: 'alert', tabindex: -1 },
    h('p', {}, h('strong', {}, 'Not done. '), lead(problem)),
    reasons.length > 0 &&
      h(
        'ul',
        { class: 'reasons' },
        ...reasons.map((code) => h('li', { 'data-code': code }, reasonLabel(code))),
      ),
    errors.length > 0 &&
      h(
        'ul',
        { class: 'reasons' },
        ...errors.map((e) => {
          const label = e.path === '' ? undefined : (options.labelOf?.(e.path) ?? humanize(e.path));
          return h('li', {}, label ? `${label}: ${e.message}` : e.message);
        }),
      ),
    next.length > 0 &&
      h(
        'p',
        {},
        'It takes now: ',
        next.map((e) => `${humanize(e.type)} (${e.roles.map(roleLabel).join(', ')})`).join('; '),
        '.',
      ),
    problem.code === 'version_conflict' &&
      options.reload &&
      h('button', { type: 'button', onclick: options.reload }, 'Reload'),
  );
}

/** A call that got no answer at all. */
export function unreachableView(): HTMLElement {
  return h(
    'div',
    { class: 'problem', role: 'alert', tabindex: -1 },
    h(
      'p',
      {},
      h('strong', {}, 'No answer. '),
      'The server did not answer; reload to see whether it was done before trying again.',
    ),
  );
}
