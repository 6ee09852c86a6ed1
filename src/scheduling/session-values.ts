import type { Actor } from '../access/actor.ts';
import { shiftDate, utcToLocal } from '../sessions/session-times.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';

// What the session form's boxes hold: for a new session, an existing one, or a copy.

export type FormValues = Record<string, unknown>;

export function newValues(actor: Actor): FormValues {
  return {
    institution: actor.institutionId ?? '',
    timeZone: '',
    language: 'en',
    capacity: '20',
    withdrawalCutoffHours: '48',
    date: [],
    start: [],
    end: [],
    coTrainers: [],
  };
}

const windowValue = (at: Date | null | undefined, zone: string) => {
  if (!at) return '';
  const local = utcToLocal(at, zone);
  return `${local.date}T${local.time}`;
};

export function sessionValues(session: TrainingSessionDocument): FormValues {
  const lead = session.trainers.find((t) => t.lead);
  return {
    module: session.module.toHexString(),
    institution: session.institution.toHexString(),
    room: session.room ?? '',
    timeZone: session.timeZone,
    date: session.days.map((d) => d.date),
    start: session.days.map((d) => d.start),
    end: session.days.map((d) => d.end),
    language: session.language,
    capacity: String(session.capacity),
    lead: lead?.person.toHexString() ?? '',
    coTrainers: session.trainers.filter((t) => !t.lead).map((t) => t.person.toHexString()),
    enrolmentOpens: windowValue(session.enrolmentOpensAt, session.timeZone),
    enrolmentCloses: windowValue(session.enrolmentClosesAt, session.timeZone),
    requiresApproval: session.requiresApproval ? 'on' : '',
    withdrawalCutoffHours: String(session.withdrawalCutoffHours),
    notes: session.notes ?? '',
    version: String(session.__v),
  };
}

/** A copy: the same details, the days cleared or a week later, no enrolment window. */
export function copyValues(session: TrainingSessionDocument, shift: 'none' | 'week'): FormValues {
  const values = sessionValues(session);
  if (shift === 'week') {
    values.date = session.days.map((d) => shiftDate(d.date, 7));
  } else {
    values.date = [];
    values.start = [];
    values.end = [];
  }
  values.enrolmentOpens = '';
  values.enrolmentCloses = '';
  return values;
}
