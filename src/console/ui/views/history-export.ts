import { h } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session } from '../session.ts';

interface Format {
  label: string;
  accept: 'text/csv' | 'application/x-ndjson';
  extension: string;
}

const formats: Format[] = [
  { label: 'CSV', accept: 'text/csv', extension: 'csv' },
  { label: 'NDJSON', accept: 'application/x-ndjson', extension: 'ndjson' },
];

/**
 * Downloads of the workflow's history, from `GET /v1/audit/events?workflowId=`. The API wants
 * the bearer token, which a plain link cannot carry, so the file is fetched with it and handed
 * to the browser as a Blob behind an object URL on an `<a download>`.
 */
export function exportSection(session: Session, id: string): HTMLElement {
  const status = h('div', { class: 'export-status', role: 'status' });
  const buttons = formats.map((format) =>
    h('button', { type: 'button' }, `Download ${format.label}`),
  );
  let offered: string | undefined;

  const download = async (format: Format) => {
    for (const button of buttons) button.disabled = true;
    status.replaceChildren(h('p', { class: 'muted' }, `Preparing the ${format.label} file…`));
    const answer = await session.api
      .GET('/v1/audit/events', {
        params: { query: { workflowId: id } },
        headers: { Accept: format.accept },
        parseAs: 'blob',
      })
      .catch(() => undefined);
    for (const button of buttons) button.disabled = false;
    if (!answer?.data) {
      status.replaceChildren(answer?.error ? problemView(answer.error) : unreachableView());
      return;
    }
    // The file before stays offered until this one replaces it; then its memory is freed.
    if (offered) URL.revokeObjectURL(offered);
    offered = URL.createObjectURL(new Blob([answer.data], { type: format.accept }));
    const name = `history-${id}.${format.extension}`;
    const save = h('a', { href: offered, download: name }, `Save ${name} again`);
    status.replaceChildren(
      h('p', {}, `${name} downloaded (${answer.data.size.toLocaleString()} bytes). `, save),
    );
    save.click();
  };
  formats.forEach((format, i) =>
    buttons[i]?.addEventListener('click', () => void download(format)),
  );

  return h(
    'section',
    { 'aria-labelledby': 'export-heading' },
    h('h2', { id: 'export-heading' }, 'Export'),
    h(
      'p',
      {},
      'Every entry of this history with its hashes, as a spreadsheet (CSV) or one JSON object a line (NDJSON).',
    ),
    h('div', { class: 'actions' }, ...buttons),
    status,
  );
}
