import {
  convertInSteps,
  type ConvertedImport,
  type CsvTexts,
  type RowError,
} from '../customer-csv.ts';
import { h, link } from '../dom.ts';
import { placeFieldErrors, placeRepeats } from '../import-refusal.ts';
import { problemView, unreachableView } from '../problem.ts';
import { savedToken, type Problem, type Session, type Workflow } from '../session.ts';
import { postWithProgress } from '../upload.ts';
import { humanize, stateLabel } from '../words.ts';
import type { Page } from './page.ts';

/** Who may import: the import route's roles. Admins, auditors and providers are not offered it. */
const importers: readonly string[] = ['manager', 'global_admin'];
const previewRows = 10;

export const importRoute = (partnerId: string) =>
  `/partners/${encodeURIComponent(partnerId)}/import`;

/** A transition's link to its customer import, for the roles that may import; null for others. */
export function importLink(session: Session, workflow: Workflow): HTMLElement | null {
  // A finished move plans no one: customers imported then would only be stored.
  if (workflow.machine !== 'transition' || workflow.status !== 'active') return null;
  if (!importers.includes(session.me.role)) return null;
  return h(
    'p',
    { class: 'import-link' },
    link(importRoute(workflow.partnerId), 'Import customers from a CSV file'),
  );
}

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** The partner's open transition, or its latest, if it has one the caller may see. */
async function transitionOf(session: Session, partnerId: string): Promise<Workflow | undefined> {
  const { data } = await session.api
    .GET('/v1/workflows', { params: { query: { machine: 'transition', partnerId, limit: 500 } } })
    .catch(() => ({ data: undefined }));
  const items = (data?.items ?? []) as Workflow[];
  return items.find((w) => w.status === 'active') ?? items.at(-1);
}

const customersPlanned = (w: Workflow | undefined) =>
  w?.machine === 'transition' && w.context !== null ? w.context.customersTotal : 0;

function rowErrorText(error: RowError): string {
  const where = `${error.file === 'subscriptions' ? 'Subscriptions file, row' : 'Row'} ${error.row}`;
  return `${where}${error.column ? `, ${error.column}` : ''}: ${error.message}`;
}

/** Every row in error, with a lead saying that nothing is sent until they are mended. */
function rowErrorsView(errors: readonly RowError[], lead: string): HTMLElement {
  return h(
    'div',
    { class: 'problem', role: 'alert', tabindex: -1 },
    h('p', {}, h('strong', {}, 'Not sent. '), lead),
    errors.length > 0 &&
      h('ul', { class: 'reasons row-errors' }, ...errors.map((e) => h('li', {}, rowErrorText(e)))),
  );
}

/** The counts and the first customers, as they will be sent. */
function previewView(converted: ConvertedImport): HTMLElement {
  const shown = converted.customers.slice(0, previewRows);
  const total = converted.customers.length;
  return h(
    'section',
    { class: 'import-preview', 'aria-labelledby': 'preview-heading' },
    h('h2', { id: 'preview-heading' }, 'Preview'),
    h(
      'p',
      { class: 'import-counts' },
      `${count(total, 'customer')}, ${count(converted.subscriptionCount, 'subscription')}.`,
    ),
    shown.length > 0 &&
      h(
        'table',
        { class: 'list' },
        h(
          'caption',
          { class: 'visually-hidden' },
          total > shown.length ? `The first ${shown.length} of ${total} customers` : 'Customers',
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Row', 'Name', 'Tenant ID', 'Acquired as', 'MCA', 'Bill-to', 'Subscriptions'].map(
              (t) => h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...shown.map((c, i) =>
            h(
              'tr',
              {},
              h('td', { 'data-label': 'Row', class: 'number' }, converted.rows[i]?.customer.row),
              h('th', { scope: 'row', 'data-label': 'Name' }, String(c.name ?? '')),
              h('td', { 'data-label': 'Tenant ID' }, h('code', {}, String(c.tenantId ?? ''))),
              h('td', { 'data-label': 'Acquired as' }, humanize(String(c.acquiredAs ?? ''))),
              h('td', { 'data-label': 'MCA' }, humanize(String(c.mcaAcceptance ?? ''))),
              h(
                'td',
                { 'data-label': 'Bill-to' },
                [c.billTo?.companyName, c.billTo?.email, c.billTo?.country]
                  .filter(Boolean)
                  .join(' · '),
              ),
              h(
                'td',
                { 'data-label': 'Subscriptions', class: 'number' },
                (c.subscriptions ?? []).length,
              ),
            ),
          ),
        ),
      ),
  );
}

function fileInput(id: string): HTMLInputElement {
  return h('input', {
    id,
    type: 'file',
    accept: '.csv,text/csv',
    'aria-describedby': `${id}-hint`,
  });
}

/** A list of strings a problem carries, or none. */
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Imports customers into a partner from CSV files: reads and checks them in the browser,
 * shows what will be sent and every row in error, and sends all at once, or nothing. The
 * refusals of the server are put back on the rows they came from. What was chosen stays
 * chosen after a refusal.
 */
export async function importPage(session: Session, page: Page, partnerId: string): Promise<void> {
  const partnerName = await session.partnerName(partnerId);
  if (!page.isCurrent()) return;
  const crumbs = h('p', { class: 'crumbs' }, link('/', 'Transitions'));
  if (!partnerName) {
    page.show(
      crumbs,
      h('h1', { tabindex: -1 }, 'Import customers'),
      h('p', {}, 'There is no such partner, or it is not yours to see.'),
    );
    return;
  }
  const heading = h('h1', { tabindex: -1 }, `Import customers into ${partnerName}`);
  if (!importers.includes(session.me.role)) {
    page.show(
      crumbs,
      heading,
      h(
        'p',
        {},
        "Your role may not import customers: the partner's onboarding managers and Global admins do.",
      ),
    );
    return;
  }

  const customersFile = fileInput('customers-file');
  const subscriptionsFile = fileInput('subscriptions-file');
  const status = h('p', { class: 'import-status', role: 'status' });
  const meter = h('progress', {
    class: 'import-progress',
    max: 1,
    value: 0,
    hidden: true,
    'aria-label': 'Progress',
  });
  const outcome = h('div', { class: 'outcome' });
  const preview = h('div', {});
  const importButton = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Import');

  let converted: ConvertedImport | undefined;
  /** One key per body: a retry after no answer cannot store it twice; a refusal gets a new one. */
  let key = crypto.randomUUID();
  /** Counts the files chosen, so a slower reading of earlier ones draws nothing. */
  let reading = 0;

  const showProgress = (text: string, done?: number, total?: number) => {
    status.textContent = text;
    meter.hidden = done === undefined;
    if (done !== undefined && total) {
      meter.max = total;
      meter.value = done;
    }
  };

  const read = async () => {
    reading += 1;
    const ticket = reading;
    converted = undefined;
    importButton.disabled = true;
    importButton.textContent = 'Import';
    outcome.replaceChildren();
    preview.replaceChildren();
    const [customers] = customersFile.files ?? [];
    const [subscriptions] = subscriptionsFile.files ?? [];
    if (!customers) {
      showProgress(subscriptions ? 'Choose the customers file too.' : '');
      return;
    }
    showProgress('Reading the files…', 0, 1);
    let texts: CsvTexts;
    try {
      texts = {
        customers: await customers.text(),
        ...(subscriptions ? { subscriptions: await subscriptions.text() } : {}),
      };
    } catch {
      // A file moved or changed on disk since it was chosen, or one that is not readable.
      showProgress('');
      outcome.replaceChildren(rowErrorsView([], 'A file could not be read; choose it again.'));
      return;
    }
    if (ticket !== reading || !page.isCurrent()) return;
    const steps = convertInSteps(texts);
    let step = steps.next();
    while (!step.done) {
      const { done, total } = step.value;
      showProgress(
        `Checking rows: ${done.toLocaleString('en')} of ${total.toLocaleString('en')}…`,
        done,
        total,
      );
      await pause();
      if (ticket !== reading || !page.isCurrent()) return;
      step = steps.next();
    }
    const result = step.value;
    key = crypto.randomUUID();
    preview.replaceChildren(previewView(result));
    if (result.errors.length > 0) {
      showProgress(`${count(result.errors.length, 'problem')} found.`);
      outcome.replaceChildren(
        rowErrorsView(
          result.errors,
          `${count(result.errors.length, 'problem')} in the files; nothing is sent until every row is right:`,
        ),
      );
      return;
    }
    converted = result;
    showProgress(`Checked: ${count(result.customers.length, 'customer')} ready to import.`);
    importButton.textContent = `Import ${count(result.customers.length, 'customer')}`;
    importButton.disabled = false;
  };

  /** A refusal, on the rows it names where it names them. */
  const refused = (sent: ConvertedImport, status: number, body: unknown): HTMLElement => {
    const problem = (body ?? {}) as Problem;
    if (status === 413) {
      return rowErrorsView(
        [],
        'The import is larger than the server takes in one request (BODY_LIMIT_BYTES); split the file, or ask the operator to raise the limit. Nothing was stored.',
      );
    }
    if (status === 409 && problem.code === 'already_exists') {
      const rows = placeRepeats(sent, {
        tenantIds: strings(problem.tenantIds),
        subscriptionIds: strings(problem.subscriptionIds),
      });
      if (rows.length > 0) return rowErrorsView(rows, `${problem.detail} These rows repeat them:`);
    }
    if (status === 422 && problem.code === 'validation_failed' && problem.errors) {
      return rowErrorsView(
        placeFieldErrors(sent, problem.errors),
        'The server refused these rows; nothing was stored:',
      );
    }
    if (typeof problem !== 'object' || typeof problem.detail !== 'string') {
      return rowErrorsView(
        [],
        `The server refused the import (status ${status}); nothing was stored.`,
      );
    }
    return problemView(problem);
  };

  const send = async () => {
    const sent = converted;
    const token = savedToken();
    if (!sent || !token) return;
    importButton.disabled = true;
    customersFile.disabled = true;
    subscriptionsFile.disabled = true;
    outcome.replaceChildren();
    const before = await transitionOf(session, partnerId);
    const body = JSON.stringify(sent.customers);
    showProgress('Sending…', 0, body.length);
    const answer = await postWithProgress({
      url: `${window.location.origin}/v1/partners/${encodeURIComponent(partnerId)}/customers`,
      token,
      body,
      headers: { 'Idempotency-Key': key },
      onProgress: (done, total) =>
        showProgress(
          `Sending: ${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB…`,
          done,
          total,
        ),
      onSent: () => showProgress('Sent; the server is storing and planning the customers…'),
    });
    customersFile.disabled = false;
    subscriptionsFile.disabled = false;
    if (!page.isCurrent()) return;
    if (!answer) {
      // The same key again: if the import was stored, the server answers its first answer.
      showProgress('');
      importButton.disabled = false;
      outcome.replaceChildren(unreachableView());
      return;
    }
    if (answer.status === 401) {
      // Asking again lets the console's own check sign the reader out.
      void session.api.GET('/v1/me');
      return;
    }
    if (answer.status !== 201) {
      showProgress('');
      key = crypto.randomUUID();
      importButton.disabled = false;
      const shown = refused(sent, answer.status, answer.body);
      outcome.replaceChildren(shown);
      shown.focus();
      return;
    }
    const stored = (answer.body as { items: unknown[] }).items.length;
    const after = await transitionOf(session, partnerId);
    const planned = customersPlanned(after) - customersPlanned(before);
    showProgress('');
    const notice = h(
      'div',
      { class: 'notice', role: 'status', tabindex: -1 },
      h('p', {}, `Stored ${count(stored, 'customer')}, planned ${planned.toLocaleString('en')}.`),
      h(
        'p',
        {},
        !after
          ? 'The partner has no transition yet: its customers are planned when it migrates them.'
          : after.state === 'migratingCustomers'
            ? 'Each direct-bill customer now has its reseller relationship and MCA workflows.'
            : `The transition is ${stateLabel(after.state)}: customers are planned when it starts migrating them.`,
        after
          ? [' ', link(`/workflows/${encodeURIComponent(after.id)}`, 'See the transition'), '.']
          : null,
      ),
    );
    converted = undefined;
    importButton.textContent = 'Import';
    outcome.replaceChildren(notice);
    notice.focus();
    page.announce(`Stored ${count(stored, 'customer')}.`);
  };

  customersFile.addEventListener('change', () => void read());
  subscriptionsFile.addEventListener('change', () => void read());
  const form = h(
    'form',
    { class: 'import-form', 'aria-labelledby': 'import-files-heading' },
    h('h2', { id: 'import-files-heading' }, 'Files'),
    h('label', { for: 'customers-file' }, 'Customers file (CSV)'),
    customersFile,
    h(
      'p',
      { class: 'hint', id: 'customers-file-hint' },
      'One customer a row, with the columns the README lists. Subscriptions may be rows of their own here, with a record column saying customer or subscription.',
    ),
    h('label', { for: 'subscriptions-file' }, 'Subscriptions file (CSV, optional)'),
    subscriptionsFile,
    h(
      'p',
      { class: 'hint', id: 'subscriptions-file-hint' },
      "Or the subscriptions in a file of their own, each naming its customer's tenantId.",
    ),
    status,
    meter,
    outcome,
    preview,
    h('div', { class: 'actions' }, importButton),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });

  const transition = await transitionOf(session, partnerId);
  if (!page.isCurrent()) return;
  page.show(
    h(
      'p',
      { class: 'crumbs' },
      link('/', 'Transitions'),
      transition
        ? [' › ', link(`/workflows/${encodeURIComponent(transition.id)}`, 'Its transition')]
        : null,
    ),
    heading,
    h(
      'p',
      {},
      'Customers and their subscriptions from CSV files. They are checked here first: every row in error is listed, and nothing is sent until all are right. The import is all or nothing.',
    ),
    form,
  );
}
