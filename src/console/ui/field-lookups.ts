import { hasField, withChoices, type Choice, type Field } from './schema-form.ts';
import type { Session } from './session.ts';

/**
 * Fields that name a record by its id, and where the records are listed: such a field is
 * drawn as a choice among them, by name. Any event with a `providerId` field gets the
 * providers (`PARTNERSHIP_REQUESTED` among them), with no word about the event here.
 */
const lookups: Record<string, (session: Session) => Promise<Choice[]>> = {
  providerId: async (session) => {
    const { data } = await session.api.GET('/v1/providers');
    return (data?.items ?? []).map((p) => ({
      value: p.id,
      label: `${p.name} (${p.region}, PartnerID ${p.mpnId})`,
    }));
  },
};

/**
 * The fields, with every field a lookup knows turned into a choice of the records it lists.
 * When the list cannot be read, or is empty, the field stays as it was: an id to type.
 */
export async function withLookups(session: Session, fields: readonly Field[]): Promise<Field[]> {
  let result = [...fields];
  for (const [name, list] of Object.entries(lookups)) {
    if (!hasField(result, name)) continue;
    const choices = await list(session).catch(() => []);
    if (choices.length > 0) result = withChoices(result, name, choices);
  }
  return result;
}
