import type { TiershiftClient } from '../../client/index.ts';
import { append, h, link, type Child } from './dom.ts';
import {
  clientFor,
  forgetToken,
  machineCache,
  partnerNames,
  savedToken,
  saveToken,
  type Caller,
  type Session,
} from './session.ts';
import { historyPage } from './views/history.ts';
import type { Page } from './views/page.ts';
import { importPage } from './views/import.ts';
import { signInView } from './views/sign-in.ts';
import { transitionsPage } from './views/transitions.ts';
import { workflowPage } from './views/workflow.ts';
import { roleLabel } from './words.ts';

const root = document.getElementById('app') ?? document.body;
let current: Session | undefined;
/** Counts the pages drawn, so that an answer for a page left behind draws nothing. */
let drawn = 0;

function showSignIn(message?: string): void {
  root.replaceChildren(signInView(signIn, message));
  root.querySelector<HTMLElement>('input')?.focus();
}

function signOut(message: string): void {
  if (!current) return;
  current = undefined;
  forgetToken();
  showSignIn(message);
}

/** Whom the caller acts for, in words: a partner, a provider, or everyone. */
async function scopeOf(api: TiershiftClient, me: Caller): Promise<string> {
  if (me.partnerId) {
    const { data } = await api.GET('/v1/partners/{id}', { params: { path: { id: me.partnerId } } });
    return `partner ${data?.name ?? me.partnerId}`;
  }
  if (me.providerId) {
    const { data } = await api.GET('/v1/providers/{id}', {
      params: { path: { id: me.providerId } },
    });
    return `provider ${data?.name ?? me.providerId}`;
  }
  return 'every partner';
}

async function signIn(token: string): Promise<string | undefined> {
  const api = clientFor(token, () =>
    signOut('Your token stopped working (revoked, expired or replaced). Sign in again.'),
  );
  const answer = await api.GET('/v1/me').catch(() => undefined);
  if (!answer) return 'The server did not answer. Try again.';
  const me = answer.data;
  if (!me) {
    return answer.response.status === 401
      ? 'That token was not accepted: it is unknown, revoked or expired.'
      : (answer.error?.detail ?? 'The server refused to sign you in.');
  }
  saveToken(token);
  const scope = await scopeOf(api, me).catch(() => 'unknown');
  current = { api, me, scope, machine: machineCache(api), partnerName: partnerNames(api) };
  drawShell(current);
  return undefined;
}

const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
const main = h('main', { id: 'main', tabindex: -1 });

function drawShell(session: Session): void {
  const { me } = session;
  root.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'brand' }, link('/', 'Tiershift console')),
      h(
        'p',
        { class: 'who' },
        'Signed in as ',
        h('strong', {}, me.name),
        h('span', { class: 'role' }, ` · ${roleLabel(me.role)}`),
        h('span', { class: 'scope' }, ` · ${session.scope}`),
      ),
      h(
        'button',
        { type: 'button', onclick: () => signOut('You are signed out; the token is forgotten.') },
        'Sign out',
      ),
    ),
    main,
    live,
  );
  draw(session);
}

function pageFor(session: Session, ticket: number): Page {
  return {
    show(...children: Child[]) {
      main.replaceChildren();
      append(main, ...children);
      main.querySelector<HTMLElement>('h1')?.focus();
    },
    isCurrent: () => ticket === drawn && current === session,
    refresh: (notice) => draw(session, notice),
    announce: (message) => {
      live.textContent = message;
    },
  };
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Draws the page the address's hash names: `#/` the transitions, `#/workflows/{id}` one,
 * `#/workflows/{id}/history` its history, `#/partners/{id}/import` a customer import.
 */
function draw(session: Session, notice?: string): void {
  drawn += 1;
  const page = pageFor(session, drawn);
  const path = window.location.hash.replace(/^#/, '') || '/';
  const workflow = /^\/workflows\/([^/]+)$/.exec(path);
  const id = workflow?.[1] === undefined ? undefined : decoded(workflow[1]);
  const history = /^\/workflows\/([^/]+)\/history$/.exec(path);
  const historyOf = history?.[1] === undefined ? undefined : decoded(history[1]);
  if (!notice) main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  const partnerImport = /^\/partners\/([^/]+)\/import$/.exec(path)?.[1];
  const importInto = partnerImport === undefined ? undefined : decoded(partnerImport);
  if (id !== undefined) void workflowPage(session, page, id, notice);
  else if (historyOf !== undefined) void historyPage(session, page, historyOf);
  else if (importInto !== undefined) void importPage(session, page, importInto);
  else if (path === '/') transitionsPage(session, page);
  else {
    page.show(
      h('h1', { tabindex: -1 }, 'Not found'),
      h('p', {}, 'The console has no such page. ', link('/', 'See the transitions'), '.'),
    );
  }
}

window.addEventListener('hashchange', () => {
  if (current) draw(current);
});

const token = savedToken();
if (token) {
  void signIn(token).then((problem) => {
    if (problem !== undefined) {
      forgetToken();
      showSignIn(problem);
    }
  });
} else {
  showSignIn();
}
