import { h, uniqueId, type Child } from './dom.ts';
import { problemView, unreachableView } from './problem.ts';
import { payloadOf, type Field } from './schema-form.ts';
import type { Problem } from './session.ts';
import { fieldLabel, humanize } from './words.ts';

/** What sending gave: nothing to show (it applied), a refusal, or no answer at all. */
export type SendResult = { applied: true } | { problem: Problem } | { unreachable: true };

export interface EventFormOptions {
  type: string;
  description: string;
  fields: readonly Field[];
  send: (payload: Record<string, unknown>) => Promise<SendResult>;
  cancel: () => void;
  reload: () => void;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

interface Drawn {
  controls: Map<string, Control>;
  /** Where each field's (or group's) refusal is written, and what it marks invalid. */
  slots: Map<string, { message: HTMLElement; marked: HTMLElement; label: string }>;
}

/** A box left unticked is a "no", so only fields that can be left empty say they are required. */
function labelText(field: Field): string {
  const required = field.required && field.kind !== 'flag';
  return `${fieldLabel(field.name)}${required ? ' (required)' : ''}`;
}

function describedBy(...ids: Array<string | undefined>): string | undefined {
  const given = ids.filter(Boolean);
  return given.length > 0 ? given.join(' ') : undefined;
}

function drawField(field: Field, drawn: Drawn): HTMLElement {
  const id = uniqueId('field');
  const errorId = `${id}-error`;
  const hintId = field.description ? `${id}-hint` : undefined;
  const message = h('p', { class: 'field-error', id: errorId, hidden: true });
  const hint = (text: string | undefined): Child =>
    text ? h('p', { class: 'hint', id: hintId }, text) : null;
  const common = {
    id,
    name: field.path,
    'aria-describedby': describedBy(hintId, errorId),
    'aria-required': field.required ? 'true' : undefined,
  };

  if (field.kind === 'group') {
    const about = [field.description, field.nullable ? 'Leave every field empty for none.' : '']
      .filter(Boolean)
      .join(' ');
    const aboutId = about ? `${id}-hint` : undefined;
    const fieldset = h(
      'fieldset',
      { 'aria-describedby': describedBy(aboutId, errorId) },
      h('legend', {}, labelText(field)),
      about ? h('p', { class: 'hint', id: aboutId }, about) : null,
      message,
      ...field.fields.map((inner) => drawField(inner, drawn)),
    );
    drawn.slots.set(field.path, { message, marked: fieldset, label: fieldLabel(field.name) });
    return fieldset;
  }

  let control: Control;
  let body: Child[];
  const label = h('label', { for: id }, labelText(field));
  switch (field.kind) {
    case 'flag':
      control = h('input', { ...common, type: 'checkbox' });
      return register(
        h('div', { class: 'field check' }, control, label, hint(field.description), message),
      );
    case 'yesNo':
      control = h(
        'select',
        common,
        h('option', { value: '' }, 'Leave as it is'),
        h('option', { value: 'yes' }, 'Yes'),
        h('option', { value: 'no' }, 'No'),
      );
      body = [label, control];
      break;
    case 'choice':
      control = h(
        'select',
        common,
        h('option', { value: '' }, field.required ? 'Choose…' : 'Leave as it is'),
        ...field.options.map((option) =>
          h('option', { value: option }, field.labels?.[option] ?? humanize(option)),
        ),
      );
      body = [label, control];
      break;
    case 'lines':
      control = h('textarea', { ...common, rows: 3 });
      body = [label, h('p', { class: 'hint' }, 'One per line.'), control];
      break;
    case 'json':
      control = h('textarea', { ...common, rows: 3, spellcheck: 'false' });
      body = [label, h('p', { class: 'hint' }, 'As JSON.'), control];
      break;
    case 'text':
      control = h('input', {
        ...common,
        type: field.input,
        maxlength: field.maxLength,
        autocomplete: 'off',
        inputmode: field.input === 'number' ? 'numeric' : undefined,
      });
      body = [label, control];
      break;
  }
  return register(h('div', { class: 'field' }, ...body, hint(field.description), message));

  function register(wrapper: HTMLElement): HTMLElement {
    drawn.controls.set(field.path, control);
    drawn.slots.set(field.path, { message, marked: control, label: fieldLabel(field.name) });
    return wrapper;
  }
}

function valuesOf(controls: ReadonlyMap<string, Control>): Map<string, string | boolean> {
  const values = new Map<string, string | boolean>();
  for (const [path, control] of controls) {
    values.set(
      path,
      control instanceof HTMLInputElement && control.type === 'checkbox'
        ? control.checked
        : control.value,
    );
  }
  return values;
}

/**
 * A form for one event, drawn from its schema. On a refusal the form stays as it is, with what
 * was typed, the refusal above it and each refused field marked; on success its owner draws
 * the workflow again.
 */
export function eventForm(options: EventFormOptions): HTMLFormElement {
  const drawn: Drawn = { controls: new Map(), slots: new Map() };
  const title = humanize(options.type);
  const headingId = uniqueId('event');
  const outcome = h('div', { class: 'outcome' });
  const submit = h('button', { type: 'submit', class: 'primary' }, `Send: ${title}`);
  const form = h(
    'form',
    { class: 'event-form', novalidate: true, 'aria-labelledby': headingId },
    h('h3', { id: headingId }, title),
    h('p', { class: 'hint' }, options.description),
    outcome,
    ...options.fields.map((field) => drawField(field, drawn)),
    h(
      'div',
      { class: 'actions' },
      submit,
      // Not "Cancel": that is the name of an event.
      h('button', { type: 'button', onclick: () => options.cancel() }, 'Close without sending'),
    ),
  );

  const clearMarks = () => {
    for (const { message, marked } of drawn.slots.values()) {
      message.hidden = true;
      message.textContent = '';
      marked.removeAttribute('aria-invalid');
    }
  };
  const markFields = (problem: Problem) => {
    for (const error of problem.errors ?? []) {
      const slot = drawn.slots.get(error.path);
      if (!slot) continue;
      slot.message.textContent = error.message;
      slot.message.hidden = false;
      slot.marked.setAttribute('aria-invalid', 'true');
    }
  };

  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') options.cancel();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    clearMarks();
    outcome.replaceChildren();
    const payload = payloadOf(options.type, options.fields, valuesOf(drawn.controls));
    void options
      .send(payload)
      .then((result) => {
        if ('applied' in result) return;
        const shown =
          'problem' in result
            ? problemView(result.problem, {
                labelOf: (path) => drawn.slots.get(path)?.label,
                reload: () => options.reload(),
              })
            : unreachableView();
        if ('problem' in result) markFields(result.problem);
        outcome.replaceChildren(shown);
        shown.focus();
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}

/** Puts the keyboard in the form's first field. */
export function focusFirstField(form: HTMLFormElement): void {
  form.querySelector<HTMLElement>('input, select, textarea')?.focus();
}
