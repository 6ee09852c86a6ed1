import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { cardOf, type PersonCard } from '../src/people/person-cards.ts';
import { SeatClaim, WaitlistClaim } from '../src/enrolments/seat-claim.model.ts';
import { Country } from '../src/institutions/country.model.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { UnreadCount } from '../src/notices/unread-count.model.ts';
import { Person } from '../src/people/person.model.ts';
import { findsWords, searchWordsOf } from '../src/people/search-words.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';

// An academy-sized world, inserted through the models (insertMany, in batches), shaped as the
// app's own services leave it: each session's first arrivals hold seats 1..capacity (seat
// claims), the rest wait in order (waitlist claims 1..n), a few have withdrawn (no claim),
// cancelled sessions hold no claims; each notice is one the enrolment service sends.
// Ids are made here, so everything is built in memory first, then inserted.

type Id = mongoose.Types.ObjectId;
const newId = () => new mongoose.Types.ObjectId();

export type AcademySizes = {
  staff: number;
  institutions: number;
  modules: number;
  sessions: number;
  enrolments: number;
  notices: number;
};

export const DEFAULT_SIZES: AcademySizes = {
  staff: 5000,
  institutions: 40,
  modules: 60,
  sessions: 2000,
  enrolments: 50_000,
  notices: 20_000,
};

const COUNTRIES = [
  { code: 'KZ', name: 'Kazakhstan', timeZone: 'Asia/Almaty', offsetHours: 5, languages: ['ru', 'kk'] as const },
  { code: 'UG', name: 'Uganda', timeZone: 'Africa/Kampala', offsetHours: 3, languages: ['en'] as const },
];
const FIRST = ['Aigerim', 'Nurlan', 'Grace', 'Moses', 'Dana', 'Yerlan', 'Sarah', 'Joseph', 'Aliya', 'Peter'];
const LAST = [
  'Abenov', 'Okello', 'Nakato', 'Seitkali', 'Mugisha', 'Zhaksybek', 'Atim', 'Kemelbek', 'Namutebi', 'Ospanova',
  'Byaruhanga', 'Tulegenov', 'Akello', 'Iskakova', 'Wasswa', 'Sadykov', 'Nabirye', 'Omarova', 'Kato', 'Baimukhan',
]; // prettier-ignore
const TOPICS = ['Preventing violent extremism', 'Dynamic security', 'Risk assessment', 'Human rights in custody'];
const TAGS = ['pcve', 'security', 'rights', 'management', 'health'];
const DAY_MS = 86_400_000;

/** A search term for the people list, and how many people it must find (name, e-mail or service number). */
export const SEARCH_TERM = 'okello';

export type Academy = Awaited<ReturnType<typeof generateAcademy>>;

/** Inserts in batches of 1,000, one batch at a time (the machine is shared). */
async function insertAll(model: mongoose.Model<never>, docs: object[], counts: Record<string, number>) {
  for (let i = 0; i < docs.length; i += 1000) await model.insertMany(docs.slice(i, i + 1000));
  counts[model.collection.collectionName] = docs.length;
}

const as = <T>(model: T) => model as unknown as mongoose.Model<never>;

export async function generateAcademy(sizes: AcademySizes, passwordHash: string) {
  const started = performance.now();
  const now = Date.now();
  const countries = COUNTRIES.map((c) => ({ ...c, _id: newId() }));
  const institutions = Array.from({ length: sizes.institutions }, (_, i) => {
    const country = countries[i < sizes.institutions / 2 ? 0 : 1]!;
    const n = String(i + 1).padStart(2, '0');
    return {
      _id: newId(),
      name: `${country.name} ${['Academy', 'Training Centre', 'Prison'][i % 3]} ${n}`,
      code: `${country.code}-INST-${n}`,
      type: (['academy', 'training_centre', 'prison'] as const)[i % 3],
      country: country._id,
      timeZone: country.timeZone,
      countryIndex: countries.indexOf(country),
    };
  });

  // a third national (every country sees them), the rest owned by an institution; one in ten a draft
  const modules = Array.from({ length: sizes.modules }, (_, i) => {
    const owner = i % 3 === 0 ? undefined : institutions[i % institutions.length]!;
    const published = i % 10 !== 9;
    return {
      _id: newId(),
      code: `ACAD-${String(i + 1).padStart(3, '0')}`,
      title: `${TOPICS[i % TOPICS.length]} ${i + 1}`,
      summary: 'A module of the academy bench.',
      objectives: ['Know the rules.', 'Apply them.'],
      hours: 8 + (i % 3) * 8,
      tags: [TAGS[i % TAGS.length]!, TAGS[(i + 2) % TAGS.length]!],
      languages: owner ? [...COUNTRIES[owner.countryIndex]!.languages] : ['en', 'ru'],
      status: published ? 'published' : 'draft',
      publishedAt: published ? new Date(now - 400 * DAY_MS) : undefined,
      institution: owner?._id,
      country: owner?.country,
      countryIndex: owner?.countryIndex,
    };
  });

  // people: one admin; per institution two coordinators and three trainers scoped to it; staff round the institutions
  let serial = 0;
  const person = (roles: string[], inst: (typeof institutions)[number], scoped: boolean) => {
    const n = serial++;
    const country = countries[inst.countryIndex]!;
    return {
      _id: newId(),
      email: `p${n}@${inst.code.toLowerCase()}.bench.example`,
      passwordHash,
      fullName: `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]}`,
      serviceNumber: `${country.code}${String(n).padStart(6, '0')}`,
      gender: n % 2 ? 'female' : 'male',
      roles,
      institution: inst._id,
      country: inst.country,
      scopeInstitutions: scoped ? [inst._id] : [],
      language: country.code === 'KZ' ? 'ru' : 'en',
    };
  };
  const admin = { ...person(['admin'], institutions[0]!, false), language: 'en' };
  const coordinators = institutions.map((inst) => [
    person(['coordinator'], inst, true),
    person(['coordinator'], inst, true),
  ]);
  const trainers = institutions.map((inst) => [0, 1, 2].map(() => person(['trainer'], inst, true)));
  const staff = Array.from({ length: sizes.staff }, (_, i) =>
    person(['staff'], institutions[i % institutions.length]!, false),
  );
  const people = [admin, ...coordinators.flat(), ...trainers.flat(), ...staff];
  const staffByCountry = countries.map((_, c) =>
    staff.filter((s) => institutions.find((i) => i._id === s.institution)!.countryIndex === c),
  );

  // sessions: from 90 days ago to about 270 days ahead, 09:00–17:00 at the venue, one or two days
  const sessions = Array.from({ length: sizes.sessions }, (_, i) => {
    const inst = institutions[i % institutions.length]!;
    // the session's rank at its venue: what varies from one to the next there, whatever the venue
    const j = Math.floor(i / institutions.length);
    const country = countries[inst.countryIndex]!;
    const offered = modules.filter(
      (m) => m.status === 'published' && (m.countryIndex === undefined || m.countryIndex === inst.countryIndex),
    );
    const module = offered[(i + j) % offered.length]!;
    const day0 = Math.floor(now / DAY_MS) * DAY_MS + (Math.floor((i * 360) / sizes.sessions) - 90) * DAY_MS;
    const dayCount = j % 4 === 0 ? 2 : 1;
    const days = Array.from({ length: dayCount }, (_, d) => {
      const date = new Date(day0 + d * DAY_MS).toISOString().slice(0, 10);
      const at = (hour: number) => new Date(day0 + d * DAY_MS + (hour - country.offsetHours) * 3_600_000);
      return { date, start: '09:00', end: '17:00', startsAt: at(9), endsAt: at(17) };
    });
    const past = days.at(-1)!.endsAt.getTime() < now;
    const status = past ? 'completed' : j % 10 === 3 ? 'draft' : j % 25 === 7 ? 'cancelled' : 'open';
    return {
      _id: newId(),
      module: module._id,
      moduleTitle: module.title,
      moduleVersion: 1,
      institution: inst._id,
      instIndex: i % institutions.length,
      country: inst.country,
      countryIndex: inst.countryIndex,
      room: `Room ${(i % 6) + 1}`,
      timeZone: country.timeZone,
      days,
      startsAt: days[0]!.startsAt,
      endsAt: days.at(-1)!.endsAt,
      language: module.languages[0],
      capacity: [20, 24, 30][j % 3]!,
      trainers: [{ person: trainers[i % institutions.length]![j % 3]!._id, lead: true }],
      status,
      cancellationReason: status === 'cancelled' ? 'Venue unavailable.' : undefined,
      cancelledAt: status === 'cancelled' ? new Date(now - DAY_MS) : undefined,
      createdBy: coordinators[i % institutions.length]![0]!._id,
      // open sessions of every fourth slot are left with free seats: what the enrolling scenario fills
      freeSeats: status === 'open' && j % 4 === 1,
    };
  });

  const enrolments = placeEnrolments(sessions, staffByCountry, sizes.enrolments, now);
  const seatClaims = enrolments
    .filter((e) => e.seat)
    .map((e) => ({ session: e.session, number: e.seat!, enrolment: e._id }));
  const waitClaims = enrolments
    .filter((e) => e.waitlistPosition)
    .map((e) => ({ session: e.session, number: e.waitlistPosition!, enrolment: e._id }));

  // the notices the enrolment service sends ("enrolled", "waitlisted" with the place), the older half read
  const sessionById = new Map(sessions.map((s) => [s._id.toHexString(), s]));
  const told = enrolments.filter((e) => e.state === 'enrolled' || e.state === 'waitlisted').slice(-sizes.notices);
  const notices = told.map((e, i) => {
    const session = sessionById.get(e.session.toHexString())!;
    return {
      person: e.person,
      kind: e.state === 'enrolled' ? 'enrolment.enrolled' : 'enrolment.waitlisted',
      params: {
        module: session.moduleTitle,
        startsAt: session.startsAt.toISOString(),
        timeZone: session.timeZone,
        ...(e.waitlistPosition ? { position: String(e.waitlistPosition) } : {}),
      },
      session: e.session,
      readAt: i < told.length / 2 ? new Date(now - DAY_MS) : undefined,
    };
  });
  const unread = new Map<string, number>();
  for (const n of notices)
    if (!n.readAt) unread.set(n.person.toHexString(), (unread.get(n.person.toHexString()) ?? 0) + 1);

  const counts: Record<string, number> = {};
  await insertAll(as(Country), countries, counts);
  await insertAll(as(Institution), institutions, counts);
  await insertAll(as(TrainingModule), modules, counts);
  await insertAll(as(Person), people, counts);
  // each session's places counted, as placesChanged leaves them (the lists read these)
  const places = new Map(sessions.map((s) => [s._id.toHexString(), { seated: 0, waiting: 0, requested: 0 }]));
  for (const e of enrolments) {
    const counted = places.get(e.session.toHexString())!;
    if (e.state === 'enrolled') counted.seated++;
    else if (e.state === 'waitlisted') counted.waiting++;
    else if (e.state === 'requested') counted.requested++;
  }
  await insertAll(
    as(TrainingSession),
    sessions.map((s) => ({ ...s, places: places.get(s._id.toHexString()) })),
    counts,
  );
  await insertAll(as(Enrolment), enrolments, counts);
  await insertAll(as(SeatClaim), seatClaims, counts);
  await insertAll(as(WaitlistClaim), waitClaims, counts);
  await insertAll(as(Notice), notices, counts);
  await insertAll(
    as(UnreadCount),
    [...unread].map(([id, n]) => ({ _id: new mongoose.Types.ObjectId(id), unread: n })),
    counts,
  );

  // the search matches the start of words (search-words.ts)
  const finds = findsWords(SEARCH_TERM);
  const searchFinds = people.filter((p) => finds(searchWordsOf(p))).length;
  return {
    ms: performance.now() - started,
    counts,
    admin,
    coordinators,
    staff,
    staffByCountry,
    institutions,
    modules,
    sessions,
    enrolments,
    searchFinds,
    /** published modules a staff member of each country sees in the catalogue: national or their country's */
    catalogueFor: (countryIndex: number) =>
      modules.filter(
        (m) => m.status === 'published' && (m.countryIndex === undefined || m.countryIndex === countryIndex),
      ).length,
  };
}

type SessionDraft = {
  _id: Id;
  countryIndex: number;
  capacity: number;
  status: string;
  startsAt: Date;
  freeSeats: boolean;
};

/**
 * Enrolments per session as placement makes them, in arrival order: the first `capacity` seated
 * (seats 1..capacity), then the waitlist (1..n); one in 25 withdrew (no claim). Sessions with
 * free seats get half their capacity; the rest of the total is shared by the others.
 */
function placeEnrolments(
  sessions: SessionDraft[],
  staffByCountry: { _id: Id; fullName: string; email: string; serviceNumber: string; institution: Id }[][],
  total: number,
  now: number,
) {
  const live = sessions.filter((s) => s.status !== 'draft');
  const fixed = live.filter((s) => s.freeSeats).reduce((sum, s) => sum + Math.floor(s.capacity / 2), 0);
  const others = live.filter((s) => !s.freeSeats);
  const share = Math.max(0, total - fixed);
  const pointers = staffByCountry.map(() => 0);
  const enrolments: {
    _id: Id;
    session: Id;
    person: Id;
    state: string;
    seat?: number;
    waitlistPosition?: number;
    source: string;
    enrolledBy: Id;
    requestedAt: Date;
    withdrawnAt?: Date;
    personCard: PersonCard;
  }[] = [];
  let otherIndex = 0;
  for (const session of live) {
    const count = session.freeSeats
      ? Math.floor(session.capacity / 2)
      : Math.floor(share / others.length) + (otherIndex++ < share % others.length ? 1 : 0);
    const pool = staffByCountry[session.countryIndex]!;
    let seat = 0;
    let place = 0;
    for (let k = 0; k < Math.min(count, pool.length); k++) {
      const at = pointers[session.countryIndex]!;
      pointers[session.countryIndex] = at + 1;
      const someone = pool[at % pool.length]!;
      const person = someone._id;
      const requestedAt = new Date(Math.min(now, session.startsAt.getTime()) - 30 * DAY_MS + k * 60_000);
      // the card each enrolment keeps of its person, as the enrolment service writes it (decision 0018)
      const personCard = cardOf(someone);
      const base = {
        _id: newId(),
        session: session._id,
        person,
        source: 'self',
        enrolledBy: person,
        requestedAt,
        personCard,
      };
      if (session.status === 'cancelled') enrolments.push({ ...base, state: 'cancelled' });
      else if (k % 25 === 24 && session.status === 'open') {
        enrolments.push({ ...base, state: 'withdrawn', withdrawnAt: new Date(requestedAt.getTime() + DAY_MS) });
      } else if (seat < session.capacity) enrolments.push({ ...base, state: 'enrolled', seat: ++seat });
      else enrolments.push({ ...base, state: 'waitlisted', waitlistPosition: ++place });
    }
  }
  return enrolments;
}
