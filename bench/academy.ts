import { performance } from 'node:perf_hooks';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { hashPassword } from '../src/auth/password.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { SeatClaim } from '../src/enrolments/seat-claim.model.ts';
import { sessionRows } from '../src/sessions/session-rows.ts';
import { DEFAULT_SIZES, generateAcademy, SEARCH_TERM, type Academy, type AcademySizes } from './academy-dataset.ts';
import { Browser, PASSWORD, percentile } from './browser.ts';
import { RenderRecorder, startCeiling } from './ceiling.ts';
import { cpuTimes, describeCpu } from './cpu.ts';
import { describeMeasured, loadPage, type Measured, type PageCheck } from './load.ts';

// Scenario "academy": an academy-sized world (academy-dataset.ts), and the pages each persona
// opens most, each loaded under 1 and under 8 connections, every answer checked; beside each
// page its ceiling (ceiling.ts); then staff enrolling, a fresh person each time, into sessions
// with free seats. Sizes and durations from BENCH_* (or --flags, see run.ts):
//   BENCH_STAFF 5000, BENCH_INSTITUTIONS 40, BENCH_MODULES 60, BENCH_SESSIONS 2000,
//   BENCH_ENROLMENTS 50000, BENCH_NOTICES 20000, BENCH_SECONDS 10 (each page, each load),
//   BENCH_CEILING_SECONDS 3, BENCH_ENROL_POOL 300 (at most; as many as the loads need sign in
//   beforehand), BENCH_PAGE_LOADS 0 to open each page once only (checked, recorded for the ceiling).
// Targets are printed beside the figures, never asserted.

/**
 * BENCH_PROFILE=1: the commands one request sends, slowest first (collection, command, filter
 * fields, ms), to see where a page's time goes.
 */
function profileCommands() {
  const client = mongoose.connection.getClient();
  const started = new Map<number, { what: string; at: number }>();
  const done: { what: string; ms: number }[] = [];
  const onStart = (event: CommandStartedEvent) => {
    const command = event.command as Record<string, unknown>;
    const filter = (command.filter ??
      command.query ??
      (command.updates as { q?: object }[] | undefined)?.[0]?.q ??
      {}) as object;
    const what = `${event.commandName} ${String(command[event.commandName])} {${Object.keys(filter).join(', ')}}`;
    started.set(event.requestId, { what, at: performance.now() });
  };
  const onEnd = (event: CommandSucceededEvent | CommandFailedEvent) => {
    const start = started.get(event.requestId);
    if (start) done.push({ what: start.what, ms: performance.now() - start.at });
  };
  client.on('commandStarted', onStart);
  client.on('commandSucceeded', onEnd);
  client.on('commandFailed', onEnd);
  return {
    stop() {
      client.off('commandStarted', onStart);
      client.off('commandSucceeded', onEnd);
      client.off('commandFailed', onEnd);
      const grouped = new Map<string, number[]>();
      for (const d of done) grouped.set(d.what, [...(grouped.get(d.what) ?? []), d.ms]);
      return [...grouped]
        .map(([what, ms]) => ({ what, n: ms.length, total: ms.reduce((a, b) => a + b, 0), max: Math.max(...ms) }))
        .sort((a, b) => b.total - a.total)
        .map((g) => `    ${g.n} × ${g.what}: total ${Math.round(g.total)} ms, slowest ${Math.round(g.max)} ms`)
        .join('\n');
    },
  };
}

const TARGETS = { pageP50: 100, pageP99Under8: 300, enrolP50: 150 };
const CONNECTIONS = [1, 8];

const env = (name: string, fallback: number) => Number(process.env[`BENCH_${name}`] ?? fallback);

function sizes(): AcademySizes {
  return {
    staff: env('STAFF', DEFAULT_SIZES.staff),
    institutions: env('INSTITUTIONS', DEFAULT_SIZES.institutions),
    modules: env('MODULES', DEFAULT_SIZES.modules),
    sessions: env('SESSIONS', DEFAULT_SIZES.sessions),
    enrolments: env('ENROLMENTS', DEFAULT_SIZES.enrolments),
    notices: env('NOTICES', DEFAULT_SIZES.notices),
  };
}

const results = (n: number) => `${n} result${n === 1 ? '' : 's'}`;
const all =
  (...parts: string[]): PageCheck =>
  (body) =>
    parts.every((p) => body.includes(p));

type Page = { name: string; label: string; url: string; who: string; check: PageCheck };

/** The pages, who opens them, and what each must show. */
function pagesOf(world: Academy, now: number): Page[] {
  const { sessions, enrolments } = world;
  // the people measured read English (the checks look for English words): the second country's
  const venue = world.institutions.findIndex((i) => i.countryIndex === 1);
  const coordinator = world.coordinators[venue]![0]!;
  // the roster: the open session with the most people (seated and waiting) at that country's first institution
  const placed = (s: { _id: unknown }) =>
    enrolments.filter((e) => e.session === s._id && (e.seat || e.waitlistPosition));
  const [rosterSession] = sessions
    .filter((s) => s.instIndex === venue && s.status === 'open' && !s.freeSeats)
    .map((s) => ({ ...s, people: placed(s).length }))
    .sort((a, b) => b.people - a.people);
  if (!rosterSession) throw new Error('the dataset has no open session at the measured venue');
  const inRoster = placed(rosterSession);
  const seated = inRoster.filter((e) => e.seat).length;
  // my training: the staff member with the most enrolments; what must be listed: every seat, and places still awaited
  const perPerson = new Map<string, typeof enrolments>();
  for (const e of enrolments)
    perPerson.set(e.person.toHexString(), [...(perPerson.get(e.person.toHexString()) ?? []), e]);
  const english = new Set(world.staffByCountry[1]!.map((p) => p._id.toHexString()));
  const [learnerId, own] = [...perPerson]
    .filter(([id]) => english.has(id))
    .sort((a, b) => b[1].length - a[1].length)[0]!;
  const byId = new Map(sessions.map((s) => [s._id.toHexString(), s]));
  const listed = own.filter(
    (e) =>
      e.state === 'enrolled' ||
      (e.state === 'waitlisted' && byId.get(e.session.toHexString())!.endsAt.getTime() >= now),
  );
  const learner = world.staff.find((p) => p._id.toHexString() === learnerId)!;
  const atVenue = sessions.filter((s) => s.instIndex === venue).length;
  return [
    {
      name: 'sessions-coordinator',
      label: 'sessions list (coordinator)',
      url: '/sessions?status=all',
      who: coordinator.email,
      check: all(results(atVenue), ' seated, '),
    },
    {
      name: 'sessions-admin',
      label: 'sessions list (admin)',
      url: '/sessions?status=all',
      who: world.admin.email,
      check: all(results(sessions.length), ' seated, '),
    },
    {
      name: 'session-page',
      label: 'session page (coordinator)',
      url: `/sessions/${rosterSession._id.toHexString()}`,
      who: coordinator.email,
      check: all(rosterSession.moduleTitle, `${seated} of ${rosterSession.capacity} seats taken`),
    },
    {
      name: 'roster',
      label: `roster (coordinator, ${inRoster.length} people)`,
      url: `/sessions/${rosterSession._id.toHexString()}/enrolments`,
      who: coordinator.email,
      check: all(...inRoster.map((e) => `data-enrolment="${e._id.toHexString()}"`)),
    },
    {
      name: 'my-training',
      label: `my training (staff, ${listed.length} listed)`,
      url: '/my-training',
      who: learner.email,
      check: all(learner.fullName, ...listed.map((e) => `/sessions/${e.session.toHexString()}"`)),
    },
    {
      name: 'catalogue',
      label: 'catalogue (staff)',
      url: '/catalogue',
      who: learner.email,
      check: all(results(catalogueOf(world, learner))),
    },
    {
      name: 'people-search',
      label: `people search (admin, "${SEARCH_TERM}")`,
      url: `/people?q=${SEARCH_TERM}`,
      who: world.admin.email,
      check: all(results(world.searchFinds)),
    },
  ];
}

function catalogueOf(world: Academy, person: { institution: unknown }) {
  const institution = world.institutions.find((i) => i._id === person.institution)!;
  return world.catalogueFor(institution.countryIndex);
}

type EnrolJob = { browser: Browser; token: string; session: string; person: string };

/** People who enrol, each with a session of their country with free seats they are not in. */
function chooseEnrollers(world: Academy, count: number, exclude: Set<string>, now: number) {
  const taken = new Set(world.enrolments.map((e) => `${e.session.toHexString()}:${e.person.toHexString()}`));
  const free = [0, 1].map((c) =>
    world.sessions.filter((s) => s.freeSeats && s.countryIndex === c && s.startsAt.getTime() > now + 86_400_000),
  );
  const chosen: { email: string; person: string; session: string }[] = [];
  const candidates = world.staff.filter((p) => !exclude.has(p.email)).reverse();
  for (const [k, p] of candidates.entries()) {
    if (chosen.length >= count) break;
    const country = world.institutions.find((i) => i._id === p.institution)!.countryIndex;
    const options = free[country]!;
    for (let step = 0; step < options.length; step++) {
      const session = options[(k + step) % options.length]!._id.toHexString();
      if (taken.has(`${session}:${p._id.toHexString()}`)) continue;
      chosen.push({ email: p.email, person: p._id.toHexString(), session });
      break;
    }
  }
  return chosen;
}

/** Signs them in beforehand, four at a time, each with the CSRF token of their account page. */
async function signInAll(base: string, chosen: { email: string; person: string; session: string }[]) {
  const jobs: EnrolJob[] = [];
  for (let i = 0; i < chosen.length; i += 4) {
    const batch = await Promise.all(
      chosen.slice(i, i + 4).map(async (c) => {
        const browser = new Browser(base);
        await browser.signIn(c.email);
        return { ...c, browser, token: await browser.token('/account') };
      }),
    );
    jobs.push(...batch);
  }
  return jobs;
}

/** Closed loop like autocannon's: each connection enrols the next person as soon as its last answer came. */
async function enrolLoad(
  jobs: EnrolJob[],
  connections: number,
  seconds: number,
): Promise<Measured & { done: EnrolJob[] }> {
  const latencies: number[] = [];
  const done: EnrolJob[] = [];
  let wrong = 0;
  let firstWrong: string | undefined;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline && next < jobs.length) {
        const job = jobs[next++]!;
        const t0 = performance.now();
        const res = await job.browser.request('POST', `/sessions/${job.session}/enrolments/enrol`, {
          _csrf: job.token,
        });
        latencies.push(performance.now() - t0);
        if (res.status === 303) done.push(job);
        else {
          wrong++;
          firstWrong ??= `${res.status}: ${res.text.slice(0, 200)}`;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    mode: `${seconds} s or ${jobs.length} people`,
    connections,
    requests: latencies.length,
    wrong,
    firstWrong,
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    perSecond: Math.round((latencies.length / elapsed) * 10) / 10,
    done,
  };
}

/** Each answered enrolment is a seat in its session, held by that person: nothing else counts as done. */
async function checkSeated(done: EnrolJob[]) {
  for (const job of done) {
    const enrolment = await Enrolment.findOne({ session: job.session, person: job.person }).lean();
    const seat = enrolment && (await SeatClaim.findOne({ enrolment: enrolment._id }).lean());
    if (enrolment?.state !== 'enrolled' || !seat || seat.number !== enrolment.seat) {
      throw new Error(
        `enrolment of ${job.person} in ${job.session}: ${enrolment?.state ?? 'missing'}, seat ${seat?.number}`,
      );
    }
  }
}

/**
 * With --expose-gc: the heap the sessions' rows kept in memory take (decision 0017), read here
 * before any list reads them.
 */
async function printRowsHeap(print: (line: string) => void) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  const before = process.memoryUsage().heapUsed;
  const rows = await sessionRows();
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  print(
    `  sessions' rows kept in memory: ${rows.length}, heap +${(bytes / 1e6).toFixed(1)} MB, ${Math.round(bytes / rows.length)} bytes a session`,
  );
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** One more request for the page, checked; how long it took. */
async function timedRequest(browser: Browser, page: Page): Promise<number> {
  const t0 = performance.now();
  const answer = await browser.request('GET', page.url);
  if (answer.status !== 200 || !page.check(answer.text))
    throw new Error(`${page.label}: wrong page (${answer.status})`);
  return performance.now() - t0;
}

export const academyScenario = {
  name: 'academy',
  describe: 'an academy: the pages each persona opens most, under 1 and 8 connections, beside their ceiling; enrolling',
  run: async (base: string, { app, idle }: { app: Express; idle: () => Promise<void> }) => {
    const size = sizes();
    const seconds = env('SECONDS', 10);
    const ceilingSeconds = env('CEILING_SECONDS', 3);
    const recorder = new RenderRecorder(app);
    const now = Date.now();
    const world = await generateAcademy(size, await hashPassword(PASSWORD, 14));
    const print = (line: string) => process.stdout.write(`${line}\n`);
    print(
      `  generated in ${(world.ms / 1000).toFixed(1)} s: ${Object.entries(world.counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    await printRowsHeap(print);

    const pages = pagesOf(world, now);
    const browsers = new Map<string, Browser>();
    for (const who of new Set(pages.map((p) => p.who))) {
      const browser = new Browser(base);
      await browser.signIn(who);
      browsers.set(who, browser);
    }
    const cookie = (who: string) => browsers.get(who)!.cookieHeader();

    const rows: { page: Page; loads: Measured[]; ceiling: Measured[]; singleMs: number }[] = [];
    for (const page of pages) {
      // one request first: recorded for the ceiling, and checked like every answer after it
      await idle();
      const t0 = performance.now();
      const profile = process.env.BENCH_PROFILE ? profileCommands() : undefined;
      const first = await recorder.record(page.name, () => browsers.get(page.who)!.request('GET', page.url));
      const singleMs = performance.now() - t0;
      if (profile) print(`  ${page.label}, one request ${Math.round(singleMs)} ms; its commands:\n${profile.stop()}`);
      if (first.status !== 200 || !page.check(first.text)) {
        throw new Error(
          `${page.label}: wrong page (${first.status}): ${first.text.replace(/\s+/g, ' ').slice(0, 3000)}`,
        );
      }
      const loads: Measured[] = [];
      // the first request may fill what the app keeps in memory (decision 0017), as a site's
      // first visitor after a change does: a second one, warm, decides how the loads are bounded
      const warmMs = env('PAGE_LOADS', 1) ? await timedRequest(browsers.get(page.who)!, page) : singleMs;
      if (env('PAGE_LOADS', 1))
        print(`  ${page.label}: first request ${Math.round(singleMs)} ms, the next ${Math.round(warmMs)} ms`);
      for (const connections of env('PAGE_LOADS', 1) ? CONNECTIONS : []) {
        await idle();
        const cpuBefore = cpuTimes();
        const m = await loadPage(base + page.url, {
          cookie: cookie(page.who),
          connections,
          seconds,
          check: page.check,
          singleMs: warmMs,
        });
        if (m.wrong)
          throw new Error(`${page.label}, ${connections} connections: ${m.wrong} wrong answers; ${m.firstWrong}`);
        await idle();
        const cpu = describeCpu(cpuBefore, cpuTimes(), m.requests);
        print(`  ${page.label}, ${connections} conn: ${describeMeasured(m)}; ${cpu}`);
        loads.push(m);
      }
      rows.push({ page, loads, ceiling: [], singleMs });
    }

    await idle();
    const ceiling = await startCeiling(
      app,
      recorder,
      pages.map((p) => p.name),
    );
    try {
      for (const row of rows) {
        for (const connections of CONNECTIONS) {
          const url = `${ceiling.base}/${row.page.name}`;
          const m = await loadPage(url, { connections, seconds: ceilingSeconds, check: row.page.check, singleMs: 1 });
          if (m.wrong) throw new Error(`ceiling of ${row.page.label}: ${m.wrong} wrong answers; ${m.firstWrong}`);
          print(`  ceiling of ${row.page.label}, ${connections} conn: ${describeMeasured(m)}`);
          row.ceiling.push(m);
        }
      }
    } finally {
      await ceiling.stop();
    }

    // enrolling: a third of the people under one connection, the rest under eight
    // one person enrols first, to see how many the loads need: signing in costs seconds on a slow database
    const chosen = chooseEnrollers(world, env('ENROL_POOL', 300), new Set(pages.map((p) => p.who)), now);
    const signInStarted = performance.now();
    const [probe] = await signInAll(base, chosen.slice(0, 1));
    await idle();
    const probed = await enrolLoad([probe!], 1, seconds);
    const fit = Math.ceil((seconds * 1000) / Math.max(1, probed.p50));
    const forOne = Math.max(3, fit);
    const jobs = await signInAll(base, chosen.slice(1, 1 + forOne + Math.max(8, 3 * fit)));
    const signInMs = performance.now() - signInStarted;
    await idle();
    const enrolOne = await enrolLoad(jobs.slice(0, forOne), 1, seconds);
    const enrolEight = await enrolLoad(jobs.slice(forOne), 8, seconds);
    for (const m of [probed, enrolOne, enrolEight]) {
      if (m.wrong)
        throw new Error(`enrolling, ${m.connections} connections: ${m.wrong} wrong answers; ${m.firstWrong}`);
    }
    await checkSeated([...probed.done, ...enrolOne.done, ...enrolEight.done]);

    print('');
    print(
      '  | page | 1 conn p50 / p99 ms | 1 conn req/s | 8 conn p50 / p99 ms | 8 conn req/s | ceiling p50 ms (1 conn) | page p50 / ceiling p50 | targets (p50 < 100 at 1, p99 < 300 at 8) |',
    );
    print('  | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const { page, loads, ceiling: c, singleMs } of rows) {
      const top = c[0]!;
      // BENCH_PAGE_LOADS=0: the page was only opened once (checked and recorded), that time is shown
      const [one, eight] = loads.length
        ? (loads as [Measured, Measured])
        : [
            { p50: Math.round(singleMs), p99: NaN, perSecond: NaN },
            { p50: NaN, p99: NaN, perSecond: NaN },
          ];
      const ratio = (one.p50 / Math.max(1, top.p50)).toFixed(0);
      const shown = (n: number) => (Number.isNaN(n) ? '—' : String(n));
      print(
        `  | ${page.label} | ${shown(one.p50)} / ${shown(one.p99)} | ${shown(one.perSecond)} | ${shown(eight.p50)} / ${shown(eight.p99)} | ${shown(eight.perSecond)} | ${top.p50} (${top.perSecond} req/s) | ${ratio}× | ${mark(one.p50 < TARGETS.pageP50)} / ${mark(eight.p99 < TARGETS.pageP99Under8)} |`,
      );
    }
    print(
      `  | enrolling (POST, a fresh person each) | ${enrolOne.p50} / ${enrolOne.p99} | ${enrolOne.perSecond} | ${enrolEight.p50} / ${enrolEight.p99} | ${enrolEight.perSecond} | — | — | p50 < ${TARGETS.enrolP50}: ${mark(enrolOne.p50 < TARGETS.enrolP50)} |`,
    );
    print(
      `  (ceiling: the same view and rows from memory, bare Express, view cache ${ceiling.viewCache ? 'on' : 'off'}; ${ceilingSeconds} s each)`,
    );
    return {
      sizes: Object.entries(size)
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
      'generate s': (world.ms / 1000).toFixed(1),
      'seconds per load': seconds,
      'enrol sign-ins s': (signInMs / 1000).toFixed(1),
      'enrolled, 1 conn': `${enrolOne.done.length} (${describeMeasured(enrolOne)})`,
      'enrolled, 8 conn': `${enrolEight.done.length} (${describeMeasured(enrolEight)})`,
      'enrol probe ms': probed.p50,
      'enrolments checked': `${1 + enrolOne.done.length + enrolEight.done.length} seated, each in its own seat claim`,
    };
  },
};
