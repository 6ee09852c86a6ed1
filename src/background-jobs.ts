import type { Logger } from 'pino';
import type { LoginSessionStore } from './auth/login-session-store.ts';
import { sendSessionReminders } from './enrolments/session-reminders.ts';
import { sendExpiryReminders } from './completions/expiry-reminders.ts';

// What the server does on its own, on timers of Cadre's (never a library's): removing expired
// login sessions (FerretDB has no TTL index), sending reminders before sessions start, and
// telling holders and coordinators that certificates expire.
// Each job runs once at start, then every `everyMs`; a run still going when the next is due
// is not doubled; stop() waits for running jobs, so the database can be closed after it.

export type BackgroundJob = { name: string; everyMs: number; run: () => Promise<unknown> };

export type JobIntervals = { sessionCleanupMs: number; remindersMs: number; expiryRemindersMs: number };
export const DEFAULT_JOB_INTERVALS: JobIntervals = {
  sessionCleanupMs: 10 * 60_000,
  remindersMs: 15 * 60_000,
  // stages are days apart; hourly is plenty, and each run reads the records in the window once
  expiryRemindersMs: 60 * 60_000,
};

/** The jobs a Cadre server runs. */
export function cadreJobs(loginSessions: LoginSessionStore, intervals = DEFAULT_JOB_INTERVALS): BackgroundJob[] {
  return [
    { name: 'login-session clean-up', everyMs: intervals.sessionCleanupMs, run: () => loginSessions.removeExpired() },
    // a claim per person makes overlapping runs, and two processes, harmless
    { name: 'session reminders', everyMs: intervals.remindersMs, run: () => sendSessionReminders() },
    // a claim per record and stage, likewise
    { name: 'expiry reminders', everyMs: intervals.expiryRemindersMs, run: () => sendExpiryReminders() },
  ];
}

export type RunningJobs = { stop: () => Promise<void> };

export function startBackgroundJobs(jobs: BackgroundJob[], logger: Logger): RunningJobs {
  const running = new Set<Promise<void>>();
  const busy = new Set<string>();
  let stopped = false;

  const runOnce = (job: BackgroundJob) => {
    if (stopped || busy.has(job.name)) return;
    busy.add(job.name);
    const run = job
      .run()
      .then((result) => logger.debug({ job: job.name, result }, 'background job done'))
      .catch((err: unknown) => logger.error({ err, job: job.name }, 'background job failed'))
      .finally(() => {
        busy.delete(job.name);
        running.delete(run);
      });
    running.add(run);
  };

  const timers = jobs.map((job) => {
    runOnce(job);
    const timer = setInterval(() => runOnce(job), job.everyMs);
    timer.unref();
    return timer;
  });

  return {
    async stop() {
      stopped = true;
      timers.forEach(clearInterval);
      await Promise.all(running);
    },
  };
}
