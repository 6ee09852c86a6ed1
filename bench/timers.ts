import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import type { LoginSessionStore } from '../src/auth/login-session-store.ts';
import { hashPassword } from '../src/auth/password.ts';
import { cadreJobs, type BackgroundJob, type RunningJobs } from '../src/background-jobs.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { Person } from '../src/people/person.model.ts';
import { Browser, PASSWORD, percentile } from './browser.ts';
import { benchSession, benchVenue } from './fixtures.ts';

// The server's timers, shortened to seconds, for many cycles under load: several signed-in
// people open their account page and notices while expired login sessions pile up and are
// cleaned, and session reminders go out. Any answer other than 2xx/3xx, a person sent back to
// the sign-in page, or a page naming someone else is a fault (decision 0007).
//   BENCH_PEOPLE (default 6), BENCH_SECONDS (default 30)

const CLEANUP_MS = 2_000;
const REMINDERS_MS = 3_000;

type Context = { loginSessions: LoginSessionStore; startJobs: (jobs: BackgroundJob[]) => RunningJobs };

async function seed(people: number, passwordCost: number) {
  const venue = await benchVenue('TIMER');
  const { country, institution } = venue;
  const passwordHash = await hashPassword(PASSWORD, passwordCost);
  const names = Array.from({ length: people }, (_, i) => `Timer Person ${String.fromCharCode(65 + i)}`);
  const users = await Person.insertMany(
    names.map((fullName, i) => ({
      email: `timer${i}@bench.example`,
      passwordHash,
      fullName,
      roles: ['staff'],
      institution: institution._id,
      country: country._id,
    })),
  );
  // a session starting within the reminder window, everyone enrolled, so reminders have work
  const session = await benchSession(venue, { startsInMs: 12 * 3_600_000, hours: 1, capacity: people });
  await Enrolment.insertMany(users.map((user) => ({ session: session._id, person: user._id, state: 'enrolled' })));
  return users.map((user, i) => ({ email: user.email!, name: names[i]! }));
}

/** Inserts a few already-expired login sessions every half second, for the clean-up to remove. */
function expiredSessionFeeder() {
  const collection = mongoose.connection.db!.collection<{ _id: string }>('login_sessions');
  let n = 0;
  const timer = setInterval(() => {
    const past = new Date(Date.now() - 60_000);
    const batch = Array.from({ length: 10 }, () => ({
      _id: `expired-${n++}`,
      session: '{}',
      expires: past,
      lastModified: past,
    }));
    void collection.insertMany(batch).catch(() => undefined);
  }, 500);
  return { stop: () => clearInterval(timer), inserted: () => n };
}

export const timersScenario = {
  name: 'timers',
  describe: `the server's timers every ${CLEANUP_MS / 1000} s (login-session clean-up) and ${REMINDERS_MS / 1000} s (session and expiry reminders), under load from several signed-in people`,
  run: async (base: string, { loginSessions, startJobs }: Context) => {
    const people = await seed(Number(process.env.BENCH_PEOPLE ?? 6), 14);
    const browsers = people.map(() => new Browser(base));
    await Promise.all(browsers.map((b, i) => b.signIn(people[i]!.email)));

    const runs = new Map<string, number>();
    let removed = 0;
    const jobs = cadreJobs(loginSessions, {
      sessionCleanupMs: CLEANUP_MS,
      remindersMs: REMINDERS_MS,
      expiryRemindersMs: REMINDERS_MS,
    }).map((job) => ({
      ...job,
      run: async () => {
        const result = await job.run();
        runs.set(job.name, (runs.get(job.name) ?? 0) + 1);
        if (typeof result === 'number') removed += result;
        return result;
      },
    }));
    const feeder = expiredSessionFeeder();
    // started through the runner, which stops them before the database closes even if this fails
    const running = startJobs(jobs);

    const faults: string[] = [];
    const latencies: number[] = [];
    const deadline = Date.now() + Number(process.env.BENCH_SECONDS ?? 30) * 1000;
    await Promise.all(
      browsers.map(async (browser, i) => {
        const me = people[i]!;
        const others = people.filter((p) => p !== me).map((p) => p.name);
        for (let turn = 0; Date.now() < deadline; turn++) {
          const url = turn % 2 ? '/notices' : '/account';
          const t0 = performance.now();
          const res = await browser.request('GET', url).catch((error: Error) => ({ status: 0, text: error.message }));
          latencies.push(performance.now() - t0);
          if (res.status < 200 || res.status >= 400) faults.push(`${me.name} ${url}: ${res.status}`);
          else if (res.status !== 200) faults.push(`${me.name} ${url}: ${res.status}, signed out`);
          else if (!res.text.includes(me.name)) faults.push(`${me.name} ${url}: own name missing`);
          else if (others.some((name) => res.text.includes(name)))
            faults.push(`${me.name} ${url}: another person's name`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    );
    feeder.stop();
    await running.stop();

    if (faults.length) throw new Error(`${faults.length} faults, first: ${faults.slice(0, 5).join('; ')}`);
    latencies.sort((a, b) => a - b);
    return {
      people: people.length,
      requests: latencies.length,
      faults: faults.length,
      'clean-ups run': runs.get('login-session clean-up') ?? 0,
      'reminder runs': runs.get('session reminders') ?? 0,
      'expired inserted': feeder.inserted(),
      'expired removed': removed,
      'p50 ms': Math.round(percentile(latencies, 50)),
      'p99 ms': Math.round(percentile(latencies, 99)),
    };
  },
};
