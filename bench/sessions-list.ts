import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { hashPassword } from '../src/auth/password.ts';
import { Country } from '../src/institutions/country.model.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { SeatClaim } from '../src/enrolments/seat-claim.model.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { Person } from '../src/people/person.model.ts';

// Scenario "sessions-list": a coordinator's sessions list (first page, then a late page) with
// 2,000 sessions in the database, each with a few people seated, and a few thousand notices,
// under load from autocannon on 127.0.0.1. Also times one plain page (the account page) for
// anyone signed in, what every request costs whatever the size of the records, and a staff
// member opening a session's page and enrolling, among all those records.

const PASSWORD = 'correct horse battery staple';
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const SEATED = Number(process.env.BENCH_SEATED ?? 5);
const NOTICES = Number(process.env.BENCH_NOTICES ?? 5000);

async function signIn(base: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const call = async (method: string, url: string, body?: Record<string, string>) => {
    const res = await fetch(base + url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return { status: res.status, text: await res.text() };
  };
  const page = await call('GET', '/login');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const res = await call('POST', '/login', { _csrf: token, email, password: PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function seed(passwordCost: number) {
  const country = await Country.create({ code: 'SX', name: 'Sessionland', timeZone: 'Asia/Almaty' });
  const venues = await Institution.insertMany(
    Array.from({ length: 5 }, (_, i) => ({
      name: `Venue ${i}`,
      code: `VENUE-${i}`,
      type: 'academy',
      country: country._id,
      timeZone: 'Asia/Almaty',
    })),
  );
  const module = await TrainingModule.create({
    code: 'LIST-1',
    title: 'Listing',
    objectives: ['Measure.'],
    hours: 8,
    languages: ['en'],
    status: 'published',
    publishedAt: new Date(),
  });
  const coordinator = await Person.create({
    email: 'coordinator@bench.example',
    passwordHash: await hashPassword(PASSWORD, passwordCost),
    fullName: 'Bench Coordinator',
    roles: ['coordinator'],
    institution: venues[0]!._id,
    country: country._id,
    scopeInstitutions: venues.map((v) => v._id),
  });
  const day0 = Date.UTC(2026, 0, 5, 4);
  const sessions = Array.from({ length: SESSIONS }, (_, i) => {
    const startsAt = new Date(day0 + i * 6 * 3_600_000);
    const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000);
    const local = new Date(startsAt.getTime() + 5 * 3_600_000).toISOString();
    const localEnd = new Date(endsAt.getTime() + 5 * 3_600_000).toISOString();
    return {
      module: module._id,
      moduleVersion: 1,
      institution: venues[i % venues.length]!._id,
      country: country._id,
      room: `Room ${i % 7}`,
      timeZone: 'Asia/Almaty',
      days: [{ date: local.slice(0, 10), start: local.slice(11, 16), end: localEnd.slice(11, 16), startsAt, endsAt }],
      startsAt,
      endsAt,
      language: 'en',
      capacity: 20,
      status: i % 3 === 0 ? 'draft' : 'open',
    };
  });
  const stored: { _id: unknown }[] = [];
  for (let i = 0; i < sessions.length; i += 500) {
    stored.push(...(await TrainingSession.insertMany(sessions.slice(i, i + 500))));
  }
  await seedRecords(
    stored.map((s) => s._id),
    coordinator._id,
  );
  // one staff member and an open session a month ahead, for the enrolment timed among all this
  const staff = await Person.create({
    email: 'staff@bench.example',
    passwordHash: await hashPassword(PASSWORD, passwordCost),
    fullName: 'Bench Staff',
    roles: ['staff'],
    institution: venues[1]!._id,
    country: country._id,
  });
  const startsAt = new Date(Date.now() + 30 * 86_400_000);
  const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000);
  const local = (at: Date) => new Date(at.getTime() + 5 * 3_600_000).toISOString();
  const open = await TrainingSession.create({
    ...sessions[1]!,
    days: [
      {
        date: local(startsAt).slice(0, 10),
        start: local(startsAt).slice(11, 16),
        end: local(endsAt).slice(11, 16),
        startsAt,
        endsAt,
      },
    ],
    startsAt,
    endsAt,
    language: 'en' as const,
    status: 'open',
  });
  return { coordinator: coordinator.email!, staff: staff.email!, openSession: open.id as string };
}

/** A staff member opens a session's page and enrols: how long each takes. */
async function timeEnrolment(base: string, email: string, sessionId: string) {
  const cookie = await signIn(base, email);
  const t0 = performance.now();
  const page = await fetch(`${base}/sessions/${sessionId}`, { headers: { cookie } });
  const html = await page.text();
  const pageMs = performance.now() - t0;
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const t1 = performance.now();
  const res = await fetch(`${base}/sessions/${sessionId}/enrolments/enrol`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token }).toString(),
  });
  await res.text();
  if (page.status !== 200 || res.status !== 303) throw new Error(`enrolment failed: ${page.status}, ${res.status}`);
  return { pageMs, enrolMs: performance.now() - t1 };
}

/** SEATED people seated in every session (enrolments and seat claims) and NOTICES notices. */
async function seedRecords(sessionIds: unknown[], someone: unknown) {
  const people = Array.from({ length: SEATED }, () => new mongoose.Types.ObjectId());
  const enrolments = sessionIds.flatMap((session) =>
    people.map((person, i) => ({
      _id: new mongoose.Types.ObjectId(),
      session,
      person,
      state: 'enrolled',
      seat: i + 1,
      source: 'coordinator',
    })),
  );
  for (let i = 0; i < enrolments.length; i += 1000) {
    const batch = enrolments.slice(i, i + 1000);
    await Enrolment.insertMany(batch);
    await SeatClaim.insertMany(batch.map((e) => ({ session: e.session, number: e.seat, enrolment: e._id })));
  }
  const notices = Array.from({ length: NOTICES }, (_, i) => ({
    person: i % 10 === 0 ? someone : new mongoose.Types.ObjectId(),
    kind: 'enrolment.enrolled',
    params: { module: 'Listing' },
  }));
  for (let i = 0; i < notices.length; i += 1000) await Notice.insertMany(notices.slice(i, i + 1000));
}

/** Milliseconds for one GET, after one to warm up. */
async function timeOne(url: string, cookie: string): Promise<number> {
  await fetch(url, { headers: { cookie } }).then((r) => r.text());
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

function load(url: string, cookie: string, duration: number) {
  // on embedded FerretDB one page takes seconds under load: wait for answers rather than count timeouts
  return autocannon({ url, connections: CONNECTIONS, duration, timeout: 120, headers: { cookie } });
}

export const sessionsListScenario = {
  name: 'sessions-list',
  describe: `a coordinator's sessions list: ${SESSIONS} sessions, ${SEATED} seated in each, ${NOTICES} notices, ${CONNECTIONS} connections (autocannon)`,
  run: async (base: string) => {
    const people = await seed(14);
    const cookie = await signIn(base, people.coordinator);
    await fetch(`${base}/sessions?status=all`, { headers: { cookie } }).then((r) => r.text());
    const t0 = performance.now();
    const check = await fetch(`${base}/sessions?status=all`, { headers: { cookie } });
    const single = performance.now() - t0;
    const text = await check.text();
    if (check.status !== 200 || !text.includes(`${SESSIONS + 1} results`) || !text.includes(`${SEATED}/20 seated`)) {
      throw new Error(`wrong page: ${check.status}`);
    }
    const account = await timeOne(`${base}/account`, cookie);
    const enrolment = await timeEnrolment(base, people.staff, people.openSession);
    const duration = Number(process.env.BENCH_SECONDS ?? 30);
    const first = await load(`${base}/sessions?status=all`, cookie, duration);
    const late = await load(`${base}/sessions?status=all&page=${Math.ceil(SESSIONS / 25)}`, cookie, duration);
    if (first.non2xx > 0 || late.non2xx > 0 || first.errors > 0 || late.errors > 0) {
      throw new Error(`failed requests: ${first.non2xx + late.non2xx} non-2xx, ${first.errors + late.errors} errors`);
    }
    return {
      sessions: SESSIONS,
      'seated in each': SEATED,
      notices: NOTICES,
      'account page ms': Math.round(account),
      'one request ms': Math.round(single),
      'session page ms (staff)': Math.round(enrolment.pageMs),
      'enrol ms (staff)': Math.round(enrolment.enrolMs),
      'page 1 req/s': Math.round(first.requests.average),
      'page 1 p50 ms': first.latency.p50,
      'page 1 p99 ms': first.latency.p99,
      'last page req/s': Math.round(late.requests.average),
      'last page p50 ms': late.latency.p50,
      'last page p99 ms': late.latency.p99,
      requests: first.requests.total + late.requests.total,
    };
  },
};
