import type { Field } from './schema-form.ts';
import type { Schema } from '../../client/index.ts';

// From the client, not session.ts: this module is pure and is tested in Node, without a DOM.
type Caller = Schema<'Caller'>;

/**
 * An event form's fields as the signed-in role may fill them. A provider acts in its own name
 * only, so a `providerId` it could only get wrong is not asked: it is sent as its own. And the
 * consent method only a consent link records (`customer_link`) is not offered.
 */
export function fieldsForRole(
  me: Caller,
  fields: readonly Field[],
): { fields: Field[]; preset: Record<string, unknown> } {
  const preset: Record<string, unknown> = {};
  const shown: Field[] = [];
  for (const field of fields) {
    if (field.name === 'providerId' && me.role === 'provider' && me.providerId) {
      preset.providerId = me.providerId;
      continue;
    }
    // Nobody signs in to the console as the customer: the customer answers through its link.
    if (field.kind === 'choice' && field.name === 'method') {
      shown.push({ ...field, options: field.options.filter((o) => o !== 'customer_link') });
      continue;
    }
    shown.push(field);
  }
  return { fields: shown, preset };
}
