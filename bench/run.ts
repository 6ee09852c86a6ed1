import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { createApp } from '../src/app.ts';
import type { LoginSessionStore } from '../src/auth/login-session-store.ts';
import { hashPassword } from '../src/auth/password.ts';
import { SignInThrottle } from '../src/auth/sign-in-throttle.ts';
import { loadConfig } from '../src/config.ts';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.ts';
import { resolveDatabase } from '../src/db/resolve.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { SeatClaim, WaitlistClaim } from '../src/enrolments/seat-claim.model.ts';
import { createLogger } from '../src/http/logger.ts';
import { createI18n } from '../src/i18n/i18n.ts';
import { Person } from '../src/people/person.model.ts';
import { startBackgroundJobs, type BackgroundJob, type RunningJobs } from '../src/background-jobs.ts';
import { Browser, PASSWORD, percentile } from './browser.ts';
import { benchSession, benchVenue } from './fixtures.ts';
import { stoppableLoginSessionStore } from './stoppable-store.ts';

// Benchmarks: each scenario gets the app listening on 127.0.0.1, port 0, over a throwaway
// database (embedded, like the tests), and prints what it measured. Nothing is asserted
// about time; a scenario fails only when the result is wrong.
//   npm run bench                      every scenario
//   npm run bench -- enrolment-burst   one of them
//   npm run bench -- academy --staff 500 --seconds 5   sizes as flags: --name value is BENCH_NAME
// A scenario is { name, run(base, context) } in SCENARIOS below.

// --foo-bar 12 sets BENCH_FOO_BAR=12, before the scenarios (some read their sizes on import) load
const args: string[] = [];
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i]!;
  if (!arg.startsWith('--')) args.push(arg);
  else process.env[`BENCH_${arg.slice(2).replaceAll('-', '_').toUpperCase()}`] = process.argv[++i] ?? '';
}
const { academyScenario } = await import('./academy.ts');
const { sessionsListScenario } = await import('./sessions-list.ts');
const { timersScenario } = await import('./timers.ts');
const { exportScenario } = await import('./export.ts');

type Context = {
  loginSessions: LoginSessionStore;
  logger: Logger;
  app: Express;
  /** background jobs started here are stopped by the runner, whatever the scenario did */
  startJobs: (jobs: BackgroundJob[]) => RunningJobs;
  /** resolves when no request is being answered (a load's last requests, their clients gone) */
  idle: () => Promise<void>;
};
type Scenario = {
  name: string;
  describe: string;
  run: (base: string, context: Context) => Promise<Record<string, string | number>>;
};

/** Benchmarks print their numbers: the one thing they are for. */
const print = (line: string) => process.stdout.write(`${line}\n`);

const config = loadConfig({ ...process.env, NODE_ENV: 'test', PASSWORD_HASH_COST: '14', LOG_LEVEL: 'silent' });

/** The Cookie headers of POSTs in the order the server received them, while a burst records them. */
const arrivals = { recording: false, cookies: [] as string[], times: [] as number[] };

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function enrolmentBurst(base: string, people = Number(process.env.BENCH_PEOPLE ?? 200), seats = 20) {
  const venue = await benchVenue('BENCH');
  const { country, institution } = venue;
  const session = await benchSession(venue, { startsInMs: 10 * 86_400_000, hours: 8, capacity: seats });
  const passwordHash = await hashPassword(PASSWORD, config.passwordHashCost);
  const browsers: Browser[] = [];
  const personIds: string[] = [];
  for (let i = 0; i < people; i++) {
    const person = await Person.create({
      email: `bench${i}@bench.example`,
      passwordHash,
      fullName: `Bench ${i}`,
      roles: ['staff'],
      institution: institution._id,
      country: country._id,
    });
    personIds.push(person.id as string);
    browsers.push(new Browser(base));
  }
  for (let i = 0; i < people; i += 20)
    await Promise.all(browsers.slice(i, i + 20).map((b, j) => b.signIn(`bench${i + j}@bench.example`)));
  const tokens = await Promise.all(browsers.map((b) => b.token('/account')));

  // BENCH_OPS=1: count the database operations of the burst, by collection and kind
  const ops = new Map<string, number>();
  if (process.env.BENCH_OPS) {
    mongoose.set('debug', (collection: string, method: string) =>
      ops.set(`${collection}.${method}`, (ops.get(`${collection}.${method}`) ?? 0) + 1),
    );
  }
  const rssBefore = process.memoryUsage().rss;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  arrivals.cookies = [];
  arrivals.times = [];
  arrivals.recording = true;
  await Promise.all(
    browsers.map(async (b, i) => {
      const t0 = performance.now();
      const res = await b.request('POST', `/sessions/${session.id as string}/enrolments/enrol`, { _csrf: tokens[i]! });
      latencies.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }),
  );
  const total = performance.now() - started;
  arrivals.recording = false;
  const personOf = new Map(browsers.map((b, i) => [b.cookieHeader(), personIds[i]!]));
  const arrived = new Map(arrivals.cookies.map((cookie, rank) => [personOf.get(cookie) ?? '', rank]));
  const rssAfter = process.memoryUsage().rss;
  mongoose.set('debug', false);

  // the numbers mean nothing if the result is wrong
  const order = await placesInOrder(session._id, seats, people, arrived);
  latencies.sort((a, b) => a - b);
  return {
    requests: people,
    seats,
    statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
    'total ms': Math.round(total),
    'p50 ms': Math.round(percentile(latencies, 50)),
    'p95 ms': Math.round(percentile(latencies, 95)),
    'max ms': Math.round(latencies.at(-1)!),
    'requests/s': Math.round((people / total) * 1000 * 10) / 10,
    'rss before MB': mb(rssBefore),
    'rss after MB': mb(rssAfter),
    result: `${seats} seated, ${people - seats} waitlisted, places handed out in one sequence`,
    'arrived within ms': Math.round(arrivals.times.at(-1)! - arrivals.times[0]!),
    'arrival order': order,
    ...(ops.size ? { 'db operations': [...ops].map(([k, n]) => `${k} ${n}`).join(', ') } : {}),
  };
}

/**
 * Checks the burst's places: seats 1..seats and waitlist places 1..rest, each held by one
 * enrolment whose state says the same; handed out one after another in the order the requests
 * reached the session's queue (each claim made no earlier than the one before it: seats first,
 * then the waitlist, nobody seated after someone was queued). Arrival at the queue follows the
 * enrolment's insert; how often that differs from the order the enrolments were created in
 * (a concurrent insert finishing first) is counted, not judged.
 */
async function placesInOrder(
  session: mongoose.Types.ObjectId,
  seats: number,
  people: number,
  arrived: Map<string, number>,
) {
  const byNumber = { sort: { number: 1 } };
  const seatClaims = await SeatClaim.find({ session }, null, byNumber).lean();
  const waitClaims = await WaitlistClaim.find({ session }, null, byNumber).lean();
  const enrolments = await Enrolment.find({ session }).lean();
  const wrong = (what: string) => new Error(`wrong result: ${what}`);
  if (seatClaims.length !== seats || waitClaims.length !== people - seats || enrolments.length !== people) {
    throw wrong(`${seatClaims.length} seated, ${waitClaims.length} waiting, ${enrolments.length} enrolments`);
  }
  const byId = new Map(enrolments.map((e) => [e._id.toHexString(), e]));
  const sequence = [
    ...seatClaims.map((c) => ({ ...c, kind: 'seat' })),
    ...waitClaims.map((c) => ({ ...c, kind: 'place' })),
  ];
  let previous = 0;
  for (const [i, claim] of sequence.entries()) {
    const expected = claim.kind === 'seat' ? i + 1 : i + 1 - seats;
    const enrolment = byId.get(claim.enrolment.toHexString());
    if (claim.number !== expected) throw wrong(`${claim.kind} ${expected} missing (found ${claim.number})`);
    if (!enrolment) throw wrong(`${claim.kind} ${claim.number} held by no enrolment of the session`);
    const state =
      claim.kind === 'seat'
        ? enrolment.state === 'enrolled' && enrolment.seat === claim.number
        : enrolment.state === 'waitlisted' && enrolment.waitlistPosition === claim.number;
    if (!state)
      throw wrong(
        `${claim.kind} ${claim.number}: enrolment ${enrolment.state}, seat ${enrolment.seat}, place ${enrolment.waitlistPosition}`,
      );
    const at = claim.createdAt.getTime();
    if (at < previous) throw wrong(`${claim.kind} ${claim.number} was claimed before the place ahead of it`);
    if (at < enrolment.createdAt.getTime())
      throw wrong(`${claim.kind} ${claim.number} claimed before its enrolment existed`);
    previous = at;
  }
  // against the order the POSTs reached the server, and the order the enrolments were created in
  // (ObjectIds made in this process rise with each one): counted, not judged
  const placed = sequence.map((c) => byId.get(c.enrolment.toHexString())!);
  const outOfOrder = (key: (e: (typeof placed)[number]) => number | string) => {
    let n = 0;
    for (let i = 1; i < placed.length; i++) if (key(placed[i]!) < key(placed[i - 1]!)) n++;
    return n;
  };
  const arrival = (e: (typeof placed)[number]) => arrived.get(e.person.toHexString()) ?? -1;
  if (placed.some((e) => arrival(e) < 0)) throw wrong('an enrolment whose request was not seen arriving');
  const furthest = Math.max(...placed.map((e, i) => Math.abs(arrival(e) - i)));
  return (
    `places 1..${seats} and 1..${people - seats} handed out one after another; of ${people - 1} places, ` +
    `${outOfOrder(arrival)} follow a later HTTP arrival than the place before (furthest ${furthest} places from ` +
    `arrival rank), ${outOfOrder((e) => e._id.toHexString())} a later-created enrolment`
  );
}

const SCENARIOS: Scenario[] = [
  {
    name: 'enrolment-burst',
    describe: 'simultaneous self-enrolments (HTTP, one signed-in person each) at a 20-seat session',
    run: (base) => enrolmentBurst(base),
  },
  sessionsListScenario,
  timersScenario,
  academyScenario,
  exportScenario,
];

const wanted = args;
const chosen = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
if (chosen.length === 0) {
  console.error(`unknown scenario; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(1);
}

const database = await resolveDatabase(config, { dataDir: undefined, progress: (m) => print(`[database] ${m}`) });
print(`database: ${database.description}; node ${process.version}`);
const logger = createLogger('silent', false);
const i18n = await createI18n(path.join(config.projectRoot, 'locales'), 'en');
try {
  for (const scenario of chosen) {
    await connectDatabase(database.uri, `cadre_bench_${randomBytes(6).toString('hex')}`, {
      monitorCommands: !!process.env.BENCH_PROFILE,
    });
    const loginSessions = stoppableLoginSessionStore(mongoose.connection.db!, config.sessionIdleMs);
    const app = createApp({
      config,
      logger,
      i18n,
      loginSessions,
      sessionSecret: 'bench-secret-bench-secret-bench-secret-01',
      throttle: new SignInThrottle({ perAccountAndAddress: 1e6, perAddress: 1e6, perAccount: 1e6 }),
    });
    // as a site runs (NODE_ENV=production): views compiled once, not at every render
    app.enable('view cache');
    // requests still being answered: a client that gave up (autocannon at the end of its time)
    // leaves its handler running, and the database must stay up until it ends
    let answering = 0;
    const answered: (() => void)[] = [];
    const server = createServer((req, res) => {
      answering++;
      if (arrivals.recording && req.method === 'POST') {
        arrivals.cookies.push(req.headers.cookie ?? '');
        arrivals.times.push(performance.now());
      }
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      let ended = false;
      res.end = ((...args: unknown[]) => {
        if (!ended && (ended = true) && --answering === 0) answered.splice(0).forEach((resolve) => resolve());
        return end(...args);
      }) as typeof res.end;
      app(req, res);
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const idle = () => (answering === 0 ? Promise.resolve() : new Promise<void>((resolve) => answered.push(resolve)));
    const jobs: RunningJobs[] = [];
    const startJobs = (list: BackgroundJob[]) => {
      const running = startBackgroundJobs(list, logger);
      jobs.push(running);
      return running;
    };
    try {
      print(`\n${scenario.name}: ${scenario.describe}`);
      const numbers = await scenario.run(base, { loginSessions, logger, app, startJobs, idle });
      for (const [k, v] of Object.entries(numbers)) print(`  ${k.padEnd(16)} ${v}`);
    } finally {
      // in this order: no new requests, the last answers out, no timers, the store idle; then the database
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await idle();
      server.closeAllConnections();
      await closed;
      await Promise.all(jobs.map((j) => j.stop()));
      await loginSessions.stop();
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await disconnectDatabase();
    }
  }
} finally {
  await database.stop();
}
