import type { Types } from 'mongoose';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { localToUtc } from '../src/sessions/session-times.ts';
import { buildCountry, buildInstitution, buildModule, buildUser } from './support/factories.ts';
import type { FormFields } from './support/http.ts';

// The people, venues and modules the session tests share: a coordinator of Almaty (and
// Partner), one elsewhere, trainers, staff of the country and of another one.

export async function sessionsWorld() {
  const kz = await buildCountry({ code: 'KZ', name: 'Kazakhstan' });
  const ug = await buildCountry({ code: 'UG', name: 'Uganda' });
  const almaty = await buildInstitution({
    country: kz._id,
    name: 'Almaty Academy',
    code: 'ALA',
    timeZone: 'Asia/Almaty',
  });
  const partner = await buildInstitution({
    country: kz._id,
    name: 'Partner Prison',
    code: 'PART',
    timeZone: 'Asia/Almaty',
  });
  const elsewhere = await buildInstitution({
    country: kz._id,
    name: 'Elsewhere Prison',
    code: 'ELSE',
    timeZone: 'Asia/Almaty',
  });
  const kampala = await buildInstitution({
    country: ug._id,
    name: 'Kampala Academy',
    code: 'KLA',
    timeZone: 'Africa/Kampala',
  });
  const people = {
    admin: await buildUser({ roles: ['admin'], institution: null }),
    coordinator: await buildUser({ roles: ['coordinator'], institution: almaty, scopeInstitutions: [partner] }),
    outsideCoordinator: await buildUser({ roles: ['coordinator'], institution: elsewhere }),
    trainer: await buildUser({ roles: ['trainer'], institution: almaty, fullName: 'Aigerim Trainer' }),
    coTrainer: await buildUser({ roles: ['trainer'], institution: partner, fullName: 'Bolat Trainer' }),
    otherTrainer: await buildUser({ roles: ['trainer'], institution: elsewhere, fullName: 'Other Trainer' }),
    staff: await buildUser({ roles: ['staff'], institution: almaty }),
    ugandanStaff: await buildUser({ roles: ['staff'], institution: kampala, language: 'fr' }),
  };
  const modules = {
    pve: await buildModule({
      status: 'published',
      institution: almaty,
      title: 'Understanding extremism',
      languages: ['en', 'ru'],
    }),
    national: await buildModule({ status: 'published', institution: null, title: 'Human rights', languages: ['en'] }),
    draft: await buildModule({ status: 'draft', institution: almaty, title: 'Secret draft' }),
  };
  return { kz, ug, almaty, partner, elsewhere, kampala, people, modules };
}

export type World = Awaited<ReturnType<typeof sessionsWorld>>;

/** A valid form for a one-day session at Almaty, 09:00–17:00 local. */
export function sessionForm(w: World, fields: FormFields = {}): FormFields {
  return {
    module: w.modules.pve.id,
    institution: w.almaty.id,
    room: 'Room 1',
    timeZone: '',
    date: ['2026-03-02', '', '', '', ''],
    start: ['09:00', '', '', '', ''],
    end: ['17:00', '', '', '', ''],
    language: 'en',
    capacity: '20',
    lead: w.people.trainer.id,
    withdrawalCutoffHours: '48',
    notes: '',
    ...fields,
  };
}

type Day = { date: string; start: string; end: string };

/** A session stored directly (tests set up through the model, exercise through HTTP). */
export async function buildSession(
  w: World,
  fields: Partial<{
    status: 'draft' | 'open' | 'in_progress' | 'completed' | 'cancelled';
    days: Day[];
    institution: { _id: Types.ObjectId; country: Types.ObjectId };
    room: string;
    trainers: { _id: Types.ObjectId }[];
    module: { _id: Types.ObjectId; title: string };
    timeZone: string;
  }> = {},
) {
  const zone = fields.timeZone ?? 'Asia/Almaty';
  const days = (fields.days ?? [{ date: '2026-03-02', start: '09:00', end: '17:00' }]).map((d) => ({
    ...d,
    startsAt: localToUtc(d.date, d.start, zone)!,
    endsAt: localToUtc(d.date, d.end, zone)!,
  }));
  const venue = fields.institution ?? w.almaty;
  return TrainingSession.create({
    module: (fields.module ?? w.modules.pve)._id,
    moduleVersion: 1,
    institution: venue._id,
    country: venue.country,
    room: fields.room ?? 'Room 1',
    timeZone: zone,
    days,
    startsAt: days[0]!.startsAt,
    endsAt: days.at(-1)!.endsAt,
    language: 'en',
    capacity: 20,
    trainers: (fields.trainers ?? [w.people.trainer]).map((t, i) => ({ person: t._id, lead: i === 0 })),
    status: fields.status ?? 'open',
  });
}
