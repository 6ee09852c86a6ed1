import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { createApp } from '../src/app.ts';
import { loginSessionStore, type LoginSessionStore } from '../src/auth/login-session-store.ts';
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
import { Browser, PASSWORD, percentile } from './browser.ts';
import { benchSession, benchVenue } from './fixtures.ts';
import { sessionsListScenario } from './sessions-list.ts';
import { timersScenario } from './timers.ts';

// Benchmarks: each scenario gets the app listening on 127.0.0.1, port 0, over a throwaway
// database (embedded, like the tests), and prints what it measured. Nothing is asserted
// about time; a scenario fails only when the result is wrong.
//   npm run bench                      every scenario
//   npm run bench -- enrolment-burst   one of them
// A scenario is { name, run(base, context) } in SCENARIOS below.

type Context = { loginSessions: LoginSessionStore; logger: Logger };
type Scenario = {
  name: string;
  describe: string;
  run: (base: string, context: Context) => Promise<Record<string, string | number>>;
};

/** Benchmarks print their numbers: the one thing they are for. */
const print = (line: string) => process.stdout.write(`${line}\n`);

const config = loadConfig({ ...process.env, NODE_ENV: 'test', PASSWORD_HASH_COST: '14', LOG_LEVEL: 'silent' });

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function enrolmentBurst(base: string, people = Number(process.env.BENCH_PEOPLE ?? 200), seats = 20) {
  const venue = await benchVenue('BENCH');
  const { country, institution } = venue;
  const session = await benchSession(venue, { startsInMs: 10 * 86_400_000, hours: 8, capacity: seats });
  const passwordHash = await hashPassword(PASSWORD, config.passwordHashCost);
  const browsers: Browser[] = [];
  for (let i = 0; i < people; i++) {
    await Person.create({
      email: `bench${i}@bench.example`,
      passwordHash,
      fullName: `Bench ${i}`,
      roles: ['staff'],
      institution: institution._id,
      country: country._id,
    });
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
  await Promise.all(
    browsers.map(async (b, i) => {
      const t0 = performance.now();
      const res = await b.request('POST', `/sessions/${session.id as string}/enrolments/enrol`, { _csrf: tokens[i]! });
      latencies.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }),
  );
  const total = performance.now() - started;
  const rssAfter = process.memoryUsage().rss;
  mongoose.set('debug', false);

  // the numbers mean nothing if the result is wrong
  const seated = await SeatClaim.countDocuments({ session: session._id });
  const waiting = await WaitlistClaim.countDocuments({ session: session._id });
  const enrolments = await Enrolment.countDocuments({ session: session._id });
  if (seated !== seats || waiting !== people - seats || enrolments !== people) {
    throw new Error(`wrong result: ${seated} seated, ${waiting} waiting, ${enrolments} enrolments`);
  }
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
    result: `${seated} seated, ${waiting} waitlisted`,
    ...(ops.size ? { 'db operations': [...ops].map(([k, n]) => `${k} ${n}`).join(', ') } : {}),
  };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'enrolment-burst',
    describe: 'simultaneous self-enrolments (HTTP, one signed-in person each) at a 20-seat session',
    run: (base) => enrolmentBurst(base),
  },
  sessionsListScenario,
  timersScenario,
];

const wanted = process.argv.slice(2);
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
    await connectDatabase(database.uri, `cadre_bench_${randomBytes(6).toString('hex')}`);
    const loginSessions = loginSessionStore(mongoose.connection.db!, config.sessionIdleMs);
    const app = createApp({
      config,
      logger,
      i18n,
      loginSessions,
      sessionSecret: 'bench-secret-bench-secret-bench-secret-01',
      throttle: new SignInThrottle({ perAccountAndAddress: 1e6, perAddress: 1e6, perAccount: 1e6 }),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      print(`\n${scenario.name}: ${scenario.describe}`);
      const numbers = await scenario.run(base, { loginSessions, logger });
      for (const [k, v] of Object.entries(numbers)) print(`  ${k.padEnd(16)} ${v}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await disconnectDatabase();
    }
  }
} finally {
  await database.stop();
}
