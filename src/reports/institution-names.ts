import { institutionSummaries } from '../institutions/institutions.service.ts';
import type { PersonSummary } from '../people/people.service.ts';

// The names of people's institutions, read a batch of people at a time and kept for the rest
// of a report or an export (the donor report, the completion records' export).

/** Institutions' names by id, read as the people who need them come. */
export class InstitutionNames {
  private readonly names = new Map<string, string>();

  async load(people: readonly Pick<PersonSummary, 'institution'>[]): Promise<void> {
    const missing = [...new Set(people.flatMap((p) => p.institution?.toHexString() ?? []))].filter(
      (id) => !this.names.has(id),
    );
    for (const i of await institutionSummaries(missing)) this.names.set(i._id.toHexString(), i.name);
  }

  /** The person's institution's name; `none` when they have none or it is unknown. */
  of(person: Pick<PersonSummary, 'institution'> | undefined, none = '—'): string {
    return (person?.institution && this.names.get(person.institution.toHexString())) || none;
  }
}
