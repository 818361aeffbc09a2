import { h } from '../dom.ts';

/**
 * The sign-in form. `signIn` answers with what went wrong, in words, or nothing once signed
 * in; on a refusal the token typed stays in the field to be corrected.
 */
export function signInView(
  signIn: (token: string) => Promise<string | undefined>,
  message?: string,
): HTMLElement {
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-hint',
  });
  const outcome = h('div', { class: 'outcome' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-heading' },
    h('h1', { id: 'sign-in-heading', tabindex: -1 }, 'Sign in to Tiershift'),
    message ? h('p', { class: 'notice', role: 'status' }, message) : null,
    outcome,
    h('label', { for: 'token' }, 'API token'),
    input,
    h(
      'p',
      { class: 'hint', id: 'token-hint' },
      'The token an operator gave you. It is kept in this browser tab only and forgotten when the tab closes or you sign out.',
    ),
    h('div', { class: 'actions' }, button),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '') {
      outcome.replaceChildren(
        h('p', { class: 'problem', role: 'alert' }, 'Paste your API token first.'),
      );
      input.focus();
      return;
    }
    button.disabled = true;
    void signIn(token).then((problem) => {
      button.disabled = false;
      if (problem === undefined) return;
      outcome.replaceChildren(h('p', { class: 'problem', role: 'alert' }, problem));
      input.focus();
    });
  });
  return form;
}
