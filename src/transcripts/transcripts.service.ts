import type { Actor } from '../access/actor.ts';
import { recordsOfPerson, type PersonRecord } from '../completions/completion-queries.service.ts';
import { countrySummary } from '../institutions/countries.service.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { getPerson } from '../people/people.service.ts';
import { newestFirst } from './learning-rules.ts';

// A person's transcript (record of learning): every completion record that stands (not
// withdrawn), newest training first. Who may read it is the person policy's readTranscript:
// the person, admins, and coordinators of their institution (404 when the person is out of
// sight, 403 when only seen).

export type TranscriptPerson = {
  id: string;
  fullName: string;
  serviceNumber?: string;
  language: string;
  institution?: string;
  country?: string;
  /** the zone the transcript's own dates (printed on) are told in: the institution's */
  timeZone: string;
  /** the country, for the curricula that apply to the person */
  countryId?: string;
  /** their institution's id: its coordinators see who opened the transcript (the audit log) */
  institutionId?: string;
};

export type Transcript = { person: TranscriptPerson; records: PersonRecord[] };

/** The transcript of a person the actor may read it of. */
export async function transcriptOf(actor: Actor, personId: string, now = new Date()): Promise<Transcript> {
  const person = await getPerson(actor, personId, 'readTranscript');
  const [institution, records] = await Promise.all([
    institutionSummary(person.institution),
    recordsOfPerson(person._id, now),
  ]);
  const country = institution ? await countrySummary(institution.country) : null;
  return {
    person: {
      id: person.id as string,
      fullName: person.fullName,
      serviceNumber: person.serviceNumber ?? undefined,
      language: person.language,
      institution: institution?.name,
      country: country?.name,
      timeZone: institution?.timeZone ?? 'UTC',
      countryId: person.country?.toHexString(),
      institutionId: person.institution?.toHexString(),
    },
    records: newestFirst(records),
  };
}

/** The title a record was issued with in this language, else the one it was issued with. */
export function titleIn(record: Pick<PersonRecord, 'moduleTitle' | 'moduleTitles'>, language: string): string {
  return record.moduleTitles.find((t) => t.language === language)?.title ?? record.moduleTitle;
}
