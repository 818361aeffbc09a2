import type { Schema } from '../../../client/index.ts';
import { h, uniqueId, type Child } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Problem, Session, Workflow } from '../session.ts';
import { when } from '../words.ts';
import type { Page } from './page.ts';

type ConsentLink = Schema<'ConsentRequest'>;
type CreatedLink = Schema<'ConsentRequestCreated'>;

/**
 * Consent links of a reseller relationship: one-time links the customer answers itself. The
 * roles are those of the API's routes (src/http/consent-links.router.ts): a partner's manager
 * and Global admin create and revoke them; admins and auditors also read them.
 */
const readers: readonly string[] = ['admin', 'auditor', 'manager', 'global_admin'];
const keepers: readonly string[] = ['manager', 'global_admin'];

const daysLabel = 'Valid for (days)';

function statusText(link: ConsentLink): string {
  switch (link.status) {
    case 'open':
      return 'Open';
    case 'used':
      return link.answer === 'declined' ? 'Used: the customer declined' : 'Used: consent given';
    case 'revoked':
      return 'Revoked';
    case 'expired':
      return 'Expired';
  }
}

/** When it closed, and why, in words. */
function closedText(link: ConsentLink): Child {
  if (link.usedAt) return `Answered ${when(link.usedAt)}`;
  if (link.revokedAt) {
    return [
      `Revoked ${when(link.revokedAt)}`,
      link.revokedBy ? [' by ', h('code', {}, link.revokedBy)] : null,
      link.revocationReason ? `: ${link.revocationReason}` : null,
    ];
  }
  if (link.status === 'expired') return `Expired ${when(link.expiresAt)}`;
  return '—';
}

/**
 * Where a failed call went: a refusal in words, or no answer. openapi-fetch answers with data
 * or error; a call that threw never reached the server.
 */
async function outcomeOf<T>(
  call: Promise<{ data?: T; error?: Problem }>,
): Promise<{ data: T } | { problem: Problem } | { unreachable: true }> {
  try {
    const { data, error } = await call;
    if (data !== undefined) return { data };
    return error ? { problem: error } : { unreachable: true };
  } catch {
    return { unreachable: true };
  }
}

function refusalView(
  result: { problem: Problem } | { unreachable: true },
  labelOf?: (path: string) => string | undefined,
): HTMLElement {
  return 'problem' in result ? problemView(result.problem, { labelOf }) : unreachableView();
}

/** A key for `Idempotency-Key`, from a source insecure (plain HTTP) pages have too. */
function freshKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The link just created, with a button to copy it. The API shows it this once: it is the
 * customer's credential, and only its hash is kept.
 */
function createdView(link: CreatedLink): HTMLElement {
  const id = uniqueId('consent-link');
  const field = h('input', {
    id,
    type: 'text',
    readonly: true,
    value: link.url,
    spellcheck: 'false',
    'aria-describedby': `${id}-hint`,
  });
  const said = h('p', { class: 'hint', role: 'status' });
  const selectIt = () => {
    field.focus();
    field.select();
  };
  const copy = async () => {
    try {
      // Only pages served over HTTPS (or from this computer) have the clipboard API.
      await navigator.clipboard.writeText(link.url);
      said.textContent = 'Copied to the clipboard.';
    } catch {
      selectIt();
      said.textContent = 'The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
    }
  };
  return h(
    'div',
    { class: 'notice consent-link-created' },
    h('p', {}, h('strong', {}, 'Link created. '), `It works once, until ${when(link.expiresAt)}.`),
    h('label', { for: id }, 'Consent link'),
    field,
    h(
      'p',
      { class: 'hint', id: `${id}-hint` },
      'Send it to the customer now: it is shown only this once and cannot be read again later.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => void copy() }, 'Copy link'),
    ),
    said,
  );
}

/** The form that asks the API for a new link; `created` is told of each one made. */
function createForm(
  session: Session,
  workflow: Workflow,
  created: (link: CreatedLink) => void,
): HTMLFormElement {
  const id = uniqueId('consent-days');
  const days = h('input', {
    id,
    name: 'expiresInDays',
    type: 'number',
    inputmode: 'numeric',
    min: 1,
    max: 60,
    step: 1,
    value: 14,
    required: true,
    'aria-describedby': `${id}-hint`,
  });
  const outcome = h('div', { class: 'outcome' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create link');
  // One key per request typed: sending the same form again after no answer cannot make two.
  let key = freshKey();
  days.addEventListener('input', () => {
    key = freshKey();
  });
  const form = h(
    'form',
    { class: 'consent-link-form', novalidate: true, 'aria-label': 'Create a consent link' },
    outcome,
    h('label', { for: id }, daysLabel),
    days,
    h('p', { class: 'hint', id: `${id}-hint` }, 'From 1 to 60 days; 14 unless you change it.'),
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    outcome.replaceChildren();
    days.removeAttribute('aria-invalid');
    // Sent as typed (an empty field as 0): the API says what is wrong with a value out of range.
    const typed = Number(days.value);
    submit.disabled = true;
    void outcomeOf(
      session.api.POST('/v1/workflows/{id}/consent-requests', {
        params: { path: { id: workflow.id }, header: { 'Idempotency-Key': key } },
        body: { expiresInDays: typed },
      }),
    ).then((result) => {
      submit.disabled = false;
      if ('data' in result) {
        key = freshKey();
        created(result.data);
        return;
      }
      if ('problem' in result && result.problem.errors?.length) {
        days.setAttribute('aria-invalid', 'true');
      }
      const shown = refusalView(result, (path) =>
        path === 'expiresInDays' ? daysLabel : undefined,
      );
      outcome.replaceChildren(shown);
      shown.focus();
    });
  });
  return form;
}

/**
 * The confirmation a revocation asks for, in place of the row's button: the customer may
 * already have the link in hand, and a revoked link cannot be opened again.
 */
function revokeConfirmation(
  session: Session,
  workflow: Workflow,
  link: ConsentLink,
  done: (message: string) => void,
  keep: () => void,
): HTMLElement {
  const id = uniqueId('revoke-reason');
  const reason = h('input', { id, type: 'text', maxlength: 500, autocomplete: 'off' });
  const outcome = h('div', { class: 'outcome' });
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Revoke link');
  const panel = h(
    'div',
    { class: 'confirm', role: 'group', 'aria-label': `Revoke link ${link.id}` },
    h('p', {}, 'Revoke this link? The customer will no longer be able to answer with it.'),
    h('label', { for: id }, 'Reason (optional)'),
    reason,
    outcome,
    h(
      'div',
      { class: 'actions' },
      confirm,
      h('button', { type: 'button', onclick: keep }, 'Keep it'),
    ),
  );
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    // The API's own words when none are given, so the record reads the same either way.
    const given = reason.value.trim() || 'revoked by the partner';
    void outcomeOf(
      session.api.DELETE('/v1/workflows/{id}/consent-requests/{requestId}', {
        params: { path: { id: workflow.id, requestId: link.id } },
        body: { reason: given },
      }),
    ).then((result) => {
      confirm.disabled = false;
      if ('data' in result) {
        done(`Link ${link.id} is ${statusText(result.data).toLowerCase()}.`);
        return;
      }
      const shown = refusalView(result);
      outcome.replaceChildren(shown);
      shown.focus();
    });
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') keep();
  });
  return panel;
}

/**
 * A reseller relationship's consent links: create one while it awaits consent, copy it, see
 * every link with its status, revoke an open one. Nothing for roles that may not read them;
 * no buttons for those that may not change them. Undefined for any other workflow.
 */
export function consentLinksSection(
  session: Session,
  page: Page,
  workflow: Workflow,
): HTMLElement | undefined {
  const { role } = session.me;
  if (workflow.machine !== 'resellerRelationship' || !readers.includes(role)) return undefined;
  const mayChange = keepers.includes(role);
  const awaiting = workflow.status === 'active' && workflow.state === 'awaitingConsent';

  const status = h('p', { class: 'muted', tabindex: -1 }, 'Loading…');
  const rows = h('tbody');
  const table = h(
    'table',
    { class: 'list consent-links', hidden: true },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Link', 'Status', 'Created', 'Expires', 'Closed', ...(mayChange ? ['Action'] : [])].map(
          (t) => h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    rows,
  );
  const createdSlot = h('div', {});
  // Shown while the relationship awaits consent, and afterwards when it has links to show.
  const section = h(
    'section',
    { 'aria-labelledby': 'consent-links-heading', hidden: !awaiting },
    h('h2', { id: 'consent-links-heading' }, 'Consent links'),
    h(
      'p',
      { class: 'hint' },
      'A one-time link the customer opens to consent to the reseller relationship, or to decline, itself. A link closes when it is used, expires or is revoked, and when the relationship stops waiting for consent.',
    ),
    mayChange && awaiting
      ? createForm(session, workflow, (link) => {
          const shown = createdView(link);
          createdSlot.replaceChildren(shown);
          page.announce('Consent link created.');
          // The next thing to do with it: copy it.
          shown.querySelector('button')?.focus();
          void load();
        })
      : null,
    createdSlot,
    status,
    table,
  );

  const row = (link: ConsentLink): HTMLTableRowElement => {
    const action = h('td', { 'data-label': 'Action' });
    const revoke = h(
      'button',
      { type: 'button', 'aria-label': `Revoke link ${link.id}` },
      'Revoke',
    );
    const offerRevoke = () => {
      action.replaceChildren(revoke);
    };
    revoke.addEventListener('click', () => {
      const panel = revokeConfirmation(
        session,
        workflow,
        link,
        (message) => {
          page.announce(message);
          // The row goes with the list drawn again: the reader is put at the list's count.
          void load().then(() => status.focus());
        },
        () => {
          offerRevoke();
          revoke.focus();
        },
      );
      action.replaceChildren(panel);
      panel.querySelector('input')?.focus();
    });
    if (link.status === 'open') offerRevoke();
    else action.append('—');
    return h(
      'tr',
      { 'data-link': link.id },
      h('td', { 'data-label': 'Link' }, h('code', {}, link.id)),
      h(
        'td',
        { 'data-label': 'Status' },
        h('span', { class: `link-status ${link.status}` }, statusText(link)),
      ),
      h(
        'td',
        { 'data-label': 'Created' },
        when(link.createdAt),
        ' by ',
        h('code', {}, link.createdBy),
      ),
      h('td', { 'data-label': 'Expires' }, when(link.expiresAt)),
      h('td', { 'data-label': 'Closed' }, closedText(link)),
      mayChange ? action : null,
    );
  };

  const load = async (): Promise<void> => {
    const result = await outcomeOf(
      session.api.GET('/v1/workflows/{id}/consent-requests', {
        params: { path: { id: workflow.id } },
      }),
    );
    if (!page.isCurrent()) return;
    if (!('data' in result)) {
      section.hidden = false;
      status.replaceChildren(refusalView(result));
      return;
    }
    // Newest first: the one just made, or just sent, is what the reader looks for.
    const links = [...result.data.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    rows.replaceChildren(...links.map(row));
    table.hidden = links.length === 0;
    section.hidden = !awaiting && links.length === 0;
    const open = links.filter((l) => l.status === 'open').length;
    status.textContent =
      links.length === 0
        ? 'No links yet.'
        : `${links.length} ${links.length === 1 ? 'link' : 'links'}, ${open} open.`;
  };
  void load();
  return section;
}
