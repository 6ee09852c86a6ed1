import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import { accessWorld, type AccessRole, type AccessWorld, type RecordName } from './support/access-world.ts';
import { buildApp } from './support/context.ts';
import { csrfToken, formBody, signIn, type Agent } from './support/http.ts';
import { databaseSnapshot } from './support/database.ts';

// Every route that names a record by id, read from the app's route table (a route added
// tomorrow is covered without anyone listing it), asked by each role (convention 10):
// - about a record the role may not see: 404, whatever the verb;
// - about a record the role sees but may not change: 403 on every change (a POST, or the GET of
//   a form for one), and never 404 on the pages that show it;
// and nothing in the database has changed. Each POST carries a valid CSRF token and plausible
// fields, so that neither the token nor the form is what refuses.

type Route = { method: string; path: string; query?: string };
type ListedRoute = { path: string | RegExp; methods?: string[]; router?: Listing };
type Listing = { listRoutes?: () => ListedRoute[] };

/** Every route of the app with its method, nested routers' paths joined (as test/route-table.ts does). */
function allRoutes(router: Listing, prefix = ''): Route[] {
  return router.listRoutes!().flatMap((listed) => {
    const joined = listed.path === '/' ? prefix : `${prefix.replace(/\/$/, '')}${String(listed.path)}`;
    if (listed.router) return allRoutes(listed.router, joined);
    // HEAD is answered by the GET handler; '*' (.all) counts as POST
    const methods = (listed.methods ?? [])
      .map((m) => (m === '*' ? 'POST' : m.toUpperCase()))
      .filter((m) => m !== 'HEAD');
    return methods.map((method) => ({ method, path: joined }));
  });
}

const KIND_OF = {
  sessions: 'session',
  enrolments: 'enrolment',
  modules: 'module',
  catalogue: 'module',
  resources: 'resource',
  curricula: 'curriculum',
  people: 'person',
  trainers: 'person',
  institutions: 'institution',
  countries: 'country',
  completions: 'completion',
} as const;
type Kind = (typeof KIND_OF)[keyof typeof KIND_OF];
/** ids of things that are not records of a kind above: one's own notices, feed and reset tokens */
const NOT_RECORDS = ['notices', 'feeds', 'reset-password', 'sheets', 'verify'];
/** routes with the id in the query string, which the route table cannot show */
const EXTRA: (Route & { kind: Kind })[] = [{ method: 'GET', path: '/sessions/new', query: 'copy', kind: 'session' }];
/** what anyone who sees a session may do: their own enrolment (its rules are the enrolment tests') */
const SELF_SERVICE = ['POST /sessions/:id/enrolments/enrol', 'POST /sessions/:id/enrolments/withdraw'];
/** GETs that need more than seeing the record: a form for a change, the roster, older versions */
const RESTRICTED_GET =
  /\/(edit|cancel|archive|publish|deactivate|delete|remove|new|enrolments|enrolments\.csv|qualifications|qualifications\/grant|versions\/:version\/download|attendance|attendance\/:date|assessments|close|reopen|results|results\.csv|sign-in-sheet\.pdf|paper|paper\/scans\/:number|correct|reissue|revoke)$/;
/** ...unless the role may do that much: the session's trainers read its roster, mark its attendance, enter its scores, print its sheets and upload their scans */
const ALSO_ALLOWED: Record<string, Role[]> = {
  'GET /sessions/:id/enrolments': ['trainer'],
  'GET /sessions/:id/attendance': ['trainer'],
  'GET /sessions/:id/attendance/:date': ['trainer'],
  'POST /sessions/:id/attendance/:date': ['trainer'],
  'GET /sessions/:id/assessments': ['trainer'],
  'POST /sessions/:id/assessments': ['trainer'],
  'POST /sessions/:id/assessments/upload': ['trainer'],
  'GET /sessions/:id/results': ['trainer'],
  'GET /sessions/:id/results.csv': ['trainer'],
  'GET /sessions/:id/days/:date/sign-in-sheet.pdf': ['trainer'],
  'GET /sessions/:id/days/:date/paper': ['trainer'],
  'GET /sessions/:id/days/:date/paper/scans/:number': ['trainer'],
  'POST /sessions/:id/days/:date/paper': ['trainer'],
};

const head = (path: string) => /^\/([^/]+)\/:/.exec(path)?.[1];
const routesOf = (app: Express, kind: Kind) => [
  ...allRoutes(app.router as unknown as Listing).filter((r) => KIND_OF[head(r.path) as keyof typeof KIND_OF] === kind),
  ...EXTRA.filter((r) => r.kind === kind),
];

type Role = AccessRole;
type World = AccessWorld;

type Case = { kind: Kind; record: RecordName; hiddenFrom: Role[]; seenBy: Role[] };
const roles = (names: string) => (names ? names.split(' ') : []) as Role[];
const NOT_MANAGERS = 'otherCoordinator trainer otherTrainer staff foreignStaff';

// kind, record, the roles it is hidden from, the roles that see it but may not change it
// (admins and the academy's coordinator may change every record of the academy)
const CASES: Case[] = (
  [
    ['session', 'an open session of the academy', 'foreignStaff', 'otherCoordinator trainer otherTrainer staff'],
    ['session', 'a draft session of the academy', 'otherCoordinator otherTrainer staff foreignStaff', 'trainer'],
    ['session', 'a session in Uganda', 'coordinator otherCoordinator trainer otherTrainer staff', 'foreignStaff'],
    ['enrolment', "a participant's request", 'otherCoordinator otherTrainer staff foreignStaff', 'trainer'],
    ['enrolment', "staff's own request", 'otherCoordinator otherTrainer foreignStaff', 'trainer staff'],
    ['module', 'a published module of the academy', 'foreignStaff', 'otherCoordinator trainer otherTrainer staff'],
    ['module', 'a draft module of the academy', NOT_MANAGERS, ''],
    ['resource', "participants' material", 'foreignStaff', 'otherCoordinator trainer otherTrainer staff'],
    ['resource', 'trainer-only material', 'otherCoordinator staff foreignStaff', 'trainer otherTrainer'],
    ['resource', 'material of a draft module', NOT_MANAGERS, ''],
    ['curriculum', 'a published curriculum', 'foreignStaff', 'otherCoordinator trainer otherTrainer staff'],
    ['curriculum', 'a draft curriculum', NOT_MANAGERS, ''],
    ['person', 'the trainer of the academy', 'otherCoordinator otherTrainer foreignStaff', 'trainer staff'],
    ['person', 'staff in Uganda', 'coordinator otherCoordinator trainer staff', 'otherTrainer foreignStaff'],
    ['institution', 'the academy', 'otherCoordinator otherTrainer foreignStaff', 'coordinator trainer staff'],
    ['institution', 'the Kampala academy', 'coordinator otherCoordinator trainer staff', 'otherTrainer foreignStaff'],
    ['country', 'Kazakhstan', '', `coordinator ${NOT_MANAGERS}`],
    ['completion', "a participant's completion record", 'otherCoordinator otherTrainer staff foreignStaff', 'trainer'],
    [
      'completion',
      "staff's own completion record, entered by hand",
      'otherCoordinator trainer otherTrainer foreignStaff',
      'staff',
    ],
    [
      'completion',
      'a completion record in Uganda',
      'coordinator otherCoordinator trainer otherTrainer staff',
      'foreignStaff',
    ],
  ] as const
).map(([kind, record, hidden, seen]) => ({ kind, record, hiddenFrom: roles(hidden), seenBy: roles(seen) }));

type Check = { route: Route; expect: 'refused 404' | 'refused 403' | 'not 404' };

function checksFor(routes: Route[], role: Role, hidden: boolean): Check[] {
  return routes.flatMap((route): Check[] => {
    const name = `${route.method} ${route.path}`;
    if (hidden) return [{ route, expect: 'refused 404' }];
    if (SELF_SERVICE.includes(name)) return [];
    const restricted = route.method !== 'GET' || RESTRICTED_GET.test(route.path);
    const changes = restricted && !ALSO_ALLOWED[name]?.includes(role);
    return [{ route, expect: changes ? 'refused 403' : 'not 404' }];
  });
}

function urlOf(route: Route, w: World, id: string): string {
  const filled = route.path.replace(/:(\w+)/g, (_match, name: string) =>
    name === 'id' ? id : w.params[name as keyof World['params']],
  );
  return route.query ? `${filled}?${route.query}=${id}` : filled;
}

describe('access by route: out of scope is 404 on every verb, seen but not allowed is 403', () => {
  let uploadsDir: string;
  let app: Express;
  before(async () => {
    uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cadre-access-'));
    app = await buildApp({ config: { uploadsDir } });
  });
  after(() => rm(uploadsDir, { recursive: true, force: true }));

  it('knows the kind of record of every route that names one by id', () => {
    const unknown = allRoutes(app.router as unknown as Listing)
      .map((r) => head(r.path))
      .filter((h): h is string => h !== undefined && !(h in KIND_OF) && !NOT_RECORDS.includes(h));
    expect(unknown, 'add the prefix to KIND_OF (and a record to CASES) or to NOT_RECORDS').to.deep.equal([]);
    for (const kind of Object.values(KIND_OF)) expect(routesOf(app, kind), kind).not.to.be.empty;
  });

  async function run(c: Case, role: Role, hidden: boolean) {
    const w = await accessWorld(uploadsDir);
    const agent: Agent = await signIn(app, w.people[role].email!);
    const token = await csrfToken(agent, '/account');
    const id = (w.records[c.record] as { id: string }).id;
    const before = await databaseSnapshot();
    const wrong: string[] = [];
    for (const check of checksFor(routesOf(app, c.kind), role, hidden)) {
      const { route } = check;
      const url = urlOf(route, w, id);
      const res =
        route.method === 'GET'
          ? await agent.get(url)
          : await agent
              .post(url)
              .type('form')
              .send(formBody({ _csrf: token, ...w.fields }));
      const ok =
        check.expect === 'not 404'
          ? res.status !== 404 && res.status < 500
          : res.status === Number(check.expect.slice(-3));
      if (!ok) wrong.push(`${route.method} ${route.path}: ${check.expect}, got ${res.status}`);
    }
    expect(wrong, `${role} on ${c.record}`).to.deep.equal([]);
    expect(await databaseSnapshot(), 'the database afterwards').to.deep.equal(before);
  }

  for (const c of CASES) {
    describe(`${c.kind}: ${c.record}`, () => {
      for (const [roles, hidden] of [
        [c.hiddenFrom, true],
        [c.seenBy, false],
      ] as const) {
        for (const role of roles) {
          const what = hidden ? 'hidden from' : 'seen but not changeable by';
          it(`${what} ${role}: ${hidden ? '404 on every route' : '403 on every change'}`, async function () {
            this.timeout(60_000);
            await run(c, role, hidden);
          });
        }
      }
    });
  }
});
