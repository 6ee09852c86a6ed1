import { buildTrainingSession, type SessionSeed } from './factories.ts';
import type { FormFields } from './http.ts';
import { buildWorld } from './world.ts';

// The people, venues and modules the session tests share: a coordinator of Almaty (and
// Partner), one elsewhere, trainers, staff of the country and of another one.

export async function sessionsWorld() {
  const w = await buildWorld({
    countries: { kz: { code: 'KZ', name: 'Kazakhstan' }, ug: { code: 'UG', name: 'Uganda' } },
    institutions: {
      almaty: { country: 'kz', name: 'Almaty Academy', code: 'ALA', timeZone: 'Asia/Almaty' },
      partner: { country: 'kz', name: 'Partner Prison', code: 'PART', timeZone: 'Asia/Almaty' },
      elsewhere: { country: 'kz', name: 'Elsewhere Prison', code: 'ELSE', timeZone: 'Asia/Almaty' },
      kampala: { country: 'ug', name: 'Kampala Academy', code: 'KLA', timeZone: 'Africa/Kampala' },
    },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'almaty', scope: ['partner'] },
      outsideCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
      trainer: { roles: ['trainer'], at: 'almaty', fullName: 'Aigerim Trainer' },
      coTrainer: { roles: ['trainer'], at: 'partner', fullName: 'Bolat Trainer' },
      otherTrainer: { roles: ['trainer'], at: 'elsewhere', fullName: 'Other Trainer' },
      staff: { roles: ['staff'], at: 'almaty' },
      ugandanStaff: { roles: ['staff'], at: 'kampala', language: 'fr' },
    },
    modules: {
      pve: { status: 'published', owner: 'almaty', title: 'Understanding extremism', languages: ['en', 'ru'] },
      national: { status: 'published', owner: null, title: 'Human rights', languages: ['en'] },
      draft: { status: 'draft', owner: 'almaty', title: 'Secret draft' },
    },
  });
  return { ...w.countries, ...w.institutions, people: w.people, modules: w.modules };
}

export type World = Awaited<ReturnType<typeof sessionsWorld>>;

/**
 * A valid form for a one-day session at Almaty, 09:00–17:00 local. The day is fixed (2 March
 * 2026) and may be past when the tests run, so the form says it is recorded on purpose; the
 * warning itself is tested in sessions.past.test.ts with `pastConfirmed: ''`.
 */
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
    pastConfirmed: 'on',
    ...fields,
  };
}

/** A session stored directly through the one session factory, with the world's defaults: Almaty, 2 March 2026. */
export function sessionIn(
  w: World,
  fields: Partial<Pick<SessionSeed, 'status' | 'days' | 'room' | 'trainers' | 'module' | 'timeZone'>> & {
    institution?: SessionSeed['venue'];
  } = {},
) {
  const { institution, ...rest } = fields;
  return buildTrainingSession({
    venue: institution ?? w.almaty,
    module: w.modules.pve,
    room: 'Room 1',
    timeZone: 'Asia/Almaty',
    days: [{ date: '2026-03-02', start: '09:00', end: '17:00' }],
    trainers: [w.people.trainer],
    ...rest,
  });
}
