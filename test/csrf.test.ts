import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import mongoose from 'mongoose';
import type { Response } from 'supertest';
import { Curriculum } from '../src/curricula/curriculum.model.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { enrolOne } from '../src/enrolments/enrolments.service.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { DiskStorage, uploadPaths } from '../src/storage/disk-storage.ts';
import { uploadResources } from '../src/resources/resource-changes.service.ts';
import { Resource } from '../src/resources/resource.model.ts';
import { TrainerQualification } from '../src/qualifications/trainer-qualification.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { Person } from '../src/people/person.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildWorld } from './support/world.ts';
import * as files from './support/files.ts';
import { csrfToken, formBody, signIn, type Agent } from './support/http.ts';
import { countStateChangingLayers, fillPath, stateChangingRoutes, type RouteEntry } from './route-table.ts';
import { databaseSnapshot } from './support/database.ts';

// Every state-changing route of the built app, read from its route table, refuses a request
// without a CSRF token: as a form, as JSON and as multipart (the token of an upload travels in
// the query string, so one in a multipart body does not count either; the roster's CSV upload
// is the other way round: its token travels in the body, and one in the query does not count). The requests come from
// a coordinator and an administrator who may act on the records named in the paths, so the
// refusal is the token's doing: the CSRF message is asserted, not only the 403 that a role check
// would also give. CSRF is checked by app-wide middleware before any router, and therefore before
// a materials upload's multer reads a byte (the roster's CSV is read into memory first, to find its
// token, and nothing of it is kept).

/** Multipart routes whose token travels in the body (src/http/csrf.ts, parsedFirst). */
const BODY_TOKEN = ['POST /sessions/:id/enrolments/upload', 'POST /sessions/:id/assessments/upload'];

describe('CSRF refusal on every state-changing route', () => {
  let uploadsDir: string;
  let app: Express;
  let t: TFunction;

  before(async () => {
    uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cadre-csrf-'));
    app = await buildApp({ config: { uploadsDir } });
    t = (await testI18n()).getFixedT('en');
  });
  after(async () => {
    await rm(uploadsDir, { recursive: true, force: true });
  });

  /** A coordinator's academy with a record of every kind the routes act on. */
  async function world() {
    const w = await buildWorld({
      countries: { country: {} },
      institutions: { academy: { country: 'country' } },
      people: {
        coordinator: { roles: ['coordinator'], at: 'academy' },
        admin: { roles: ['admin'], at: null },
        trainer: { roles: ['trainer'], at: 'academy' },
        staff: { roles: ['staff'], at: 'academy', serviceNumber: 'CSRF-1' },
        newcomer: { roles: ['staff'], at: 'academy', serviceNumber: 'CSRF-2' },
        latecomer: { roles: ['staff'], at: 'academy', serviceNumber: 'CSRF-3' },
      },
      modules: { module: { status: 'published', owner: 'academy' } },
      sessions: { session: { at: 'academy', module: 'module', trainers: ['trainer'] } },
    });
    const { country } = w.countries;
    const { academy } = w.institutions;
    const { coordinator, admin, trainer, staff, newcomer, latecomer } = w.people;
    const { module } = w.modules;
    const { session } = w.sessions;
    const actor = toActor((await Person.findById(coordinator._id).lean())!);
    await enrolOne(actor, session.id, staff.id);
    const enrolment = await Enrolment.findOne({ session: session._id }).orFail();
    const curriculum = await Curriculum.create({
      code: 'CSRF-CUR',
      title: 'Forgery-proof curriculum',
      institution: academy._id,
      country: country._id,
      items: [{ module: module._id, required: true }],
    });
    const resource = await addResource(actor, module.id);
    const qualification = await TrainerQualification.create({
      trainer: trainer._id,
      module: module._id,
      qualifiedOn: new Date(),
      recordedBy: coordinator._id,
    });
    const notice = await Notice.create({ person: coordinator._id, kind: 'session.changed', session: session._id });
    return {
      country,
      academy,
      coordinator,
      admin,
      trainer,
      staff,
      newcomer,
      latecomer,
      module,
      session,
      enrolment,
      curriculum,
      resource,
      qualification,
      notice,
    };
  }
  type World = Awaited<ReturnType<typeof world>>;

  async function addResource(actor: ReturnType<typeof toActor>, moduleId: string): Promise<string> {
    const tmp = uploadPaths(uploadsDir).tmp;
    await mkdir(tmp, { recursive: true });
    const tempPath = path.join(tmp, randomBytes(8).toString('hex'));
    const content = files.pdf();
    await writeFile(tempPath, content);
    const input = { title: 'Handout', kind: 'handout', language: 'en', audience: 'participants' } as const;
    const [created] = await uploadResources(new DiskStorage(uploadsDir), actor, moduleId, input, [
      { tempPath, originalName: 'handout.pdf', size: content.length },
    ]);
    return created!.id;
  }

  /** The route's path with real ids of the world's records (a well-formed id where none fits). */
  function urlOf(route: RouteEntry, w: World): string {
    const byName: Record<string, string> = {
      module: w.module.id,
      qualification: w.qualification.id,
      step: 'open',
      token: randomBytes(32).toString('base64url'),
    };
    const byCollection: Record<string, string> = {
      sessions: w.session.id,
      people: w.trainer.id,
      modules: w.module.id,
      curricula: w.curriculum.id,
      enrolments: w.enrolment.id,
      resources: w.resource,
      notices: w.notice.id,
      institutions: w.academy.id,
      countries: w.country.id,
    };
    return fillPath(route.path, (name, after) => {
      const value = name === 'id' ? byCollection[after] : byName[name];
      // the token is checked before routing, so an id of nothing still exercises the refusal
      return value ?? new mongoose.Types.ObjectId().toHexString();
    });
  }

  /** Plausible values for the forms, so that a request that got through would change something. */
  const forgedFields = (w: World) => ({
    person: w.newcomer.id,
    people: w.newcomer.id,
    module: w.module.id,
    qualifiedOn: '2025-01-01',
    reason: 'forged',
    language: 'ru',
    fullName: 'Forged Name',
    title: 'Forged title',
    code: 'FORGED',
    name: 'Forgedland',
    timeZone: 'Europe/Paris',
    back: '/',
  });
  const forgedParts = (): files.Part[] => [
    { field: 'file', name: 'people.csv', content: Buffer.from('CSRF-2\nCSRF-3\n') },
    { field: 'files', name: 'handout.pdf', content: files.pdf('Forged') },
  ];

  const send = (agent: Agent, route: RouteEntry, url: string) => {
    const verbs = { POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' } as const;
    return agent[verbs[route.method]](url);
  };

  type Attempt = {
    how: string;
    json?: boolean;
    send: (agent: Agent, route: RouteEntry, url: string) => Promise<Response>;
  };

  function attempts(w: World, tokenOf: (agent: Agent) => string): Attempt[] {
    const fields = forgedFields(w);
    const asMultipart = (extra: Record<string, string>) => files.multipart({ ...fields, ...extra }, forgedParts());
    return [
      {
        how: 'a form without a token',
        send: async (agent, route, url) => send(agent, route, url).type('form').send(formBody(fields)),
      },
      {
        how: 'JSON without a token',
        json: true,
        send: async (agent, route, url) => send(agent, route, url).set('Accept', 'application/json').send(fields),
      },
      {
        how: 'multipart without a token',
        send: async (agent, route, url) => {
          const { body, contentType } = asMultipart({});
          return send(agent, route, url).set('Content-Type', contentType).send(body);
        },
      },
      {
        how: 'multipart with the valid token where that route does not read it (body or query)',
        send: async (agent, route, url) => {
          if (BODY_TOKEN.includes(`${route.method} ${route.path}`)) {
            const { body, contentType } = asMultipart({});
            const query = `?_csrf=${encodeURIComponent(tokenOf(agent))}`;
            return send(agent, route, `${url}${query}`).set('Content-Type', contentType).send(body);
          }
          const { body, contentType } = asMultipart({ _csrf: tokenOf(agent) });
          return send(agent, route, url).set('Content-Type', contentType).send(body);
        },
      },
    ];
  }

  /** What a CSRF refusal looks like, as opposed to a role refusal or anything else. */
  function csrfRefusal(res: Response, json: boolean): string | undefined {
    const message = t('errors.csrf');
    const said = (json ? (res.body as { error?: { message?: string } }).error?.message : undefined) ?? res.text;
    if (res.status === 403 && said?.includes(message) && !said.includes(t('errors.forbidden'))) return undefined;
    return `${res.status} ${String(said).replace(/\s+/g, ' ').slice(0, 160)}`;
  }

  async function filesOnDisk(): Promise<string[]> {
    const found: string[] = [];
    for (const folder of ['files', 'tmp']) {
      const names = await readdir(path.join(uploadsDir, folder)).catch(() => [] as string[]);
      found.push(...names.map((name) => `${folder}/${name}`));
    }
    return found.sort();
  }

  it('reads the route table from the app: the state-changing routes of every feature, as many as its layers hold', async () => {
    const routes = stateChangingRoutes(app);
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(routes.length).to.equal(countStateChangingLayers(app));
    expect(routes.length).to.be.greaterThan(40);
    expect(new Set(names).size, 'each route once').to.equal(names.length);
    for (const prefix of [
      '/sessions',
      '/people',
      '/modules',
      '/enrolments',
      '/curricula',
      '/resources',
      '/notices',
      '/institutions',
      '/countries',
      '/account',
    ]) {
      expect(
        routes.some((r) => r.path.startsWith(`${prefix}/`) || r.path === prefix),
        prefix,
      ).to.equal(true);
    }
    // nested routers' paths are joined, and the upload routes are there
    expect(names).to.include.members([
      'POST /sessions/:id/enrolments/upload',
      'POST /sessions/:id/enrolments/enrol',
      'POST /curricula/:id/items/:module/remove',
      'POST /people/:id/qualifications/:qualification/remove',
      'POST /account/calendar',
      'POST /modules/:id/resources',
      'POST /resources/:id/versions',
      'POST /logout',
    ]);
  });

  it('refuses every state-changing route without a token, for a coordinator and an administrator, and nothing changes', async function () {
    this.timeout(180_000);
    const w = await world();
    const agents = {
      coordinator: await signIn(app, w.coordinator.email!),
      administrator: await signIn(app, w.admin.email!),
    };
    const tokens = new Map<Agent, string>();
    for (const agent of Object.values(agents)) tokens.set(agent, await csrfToken(agent, '/account'));
    const routes = stateChangingRoutes(app);
    const before = await databaseSnapshot();
    const filesBefore = await filesOnDisk();

    const notRefused: string[] = [];
    const exercised = new Set<RouteEntry>();
    for (const route of routes) {
      const url = urlOf(route, w);
      for (const [who, agent] of Object.entries(agents)) {
        for (const attempt of attempts(w, (a) => tokens.get(a)!)) {
          const problem = csrfRefusal(await attempt.send(agent, route, url), attempt.json ?? false);
          if (problem) notRefused.push(`${route.method} ${route.path} (${url}) as ${who}, ${attempt.how}: ${problem}`);
        }
      }
      exercised.add(route);
    }

    expect(notRefused, 'requests not refused with the CSRF message').to.deep.equal([]);
    expect(exercised.size).to.equal(routes.length);
    expect(await databaseSnapshot(), 'the database after the forged requests').to.deep.equal(before);
    expect(await filesOnDisk(), 'the uploads folder').to.deep.equal(filesBefore);
    // the same, as a person would check it
    expect(await Enrolment.countDocuments({ session: w.session._id }), 'enrolments of the session').to.equal(1);
    const session = await TrainingSession.findById(w.session._id).lean();
    expect(session?.status).to.equal('open');
    expect((await TrainingModule.findById(w.module._id).lean())?.status).to.equal('published');
    expect((await Curriculum.findById(w.curriculum._id).lean())?.items).to.have.length(1);
    expect(await Resource.countDocuments(), 'materials').to.equal(1);
    expect(await TrainerQualification.countDocuments(), 'qualifications').to.equal(1);
    expect((await Notice.findById(w.notice._id).lean())?.readAt, 'the notice is still unread').to.equal(undefined);
    expect((await Person.findById(w.trainer._id).lean())?.active, 'the person is still active').to.equal(true);
    for (const [who, agent] of Object.entries(agents)) {
      expect((await agent.get('/account')).status, `${who} still signed in`).to.equal(200);
    }
  });

  it('lets the same requests through with a valid token, as a form and as an upload, so the token is what matters', async () => {
    const w = await world();
    const agent = await signIn(app, w.coordinator.email!);
    const token = await csrfToken(agent, '/account');
    const enrolled = () => Enrolment.countDocuments({ session: w.session._id });
    const add = `/sessions/${w.session.id}/enrolments`;

    const forged = await agent
      .post(add)
      .type('form')
      .send(formBody({ person: w.newcomer.id }));
    expect(csrfRefusal(forged, false)).to.equal(undefined);
    expect(await enrolled()).to.equal(1);
    const sent = await agent
      .post(add)
      .type('form')
      .send(formBody({ _csrf: token, person: w.newcomer.id }));
    expect(sent.status, sent.text.slice(0, 300)).to.equal(303);
    expect(await enrolled()).to.equal(2);

    const csv = (fields: Record<string, string> = {}) =>
      files.multipart(fields, [{ field: 'file', name: 'people.csv', content: Buffer.from('CSRF-3\n') }]);
    const upload = `/sessions/${w.session.id}/enrolments/upload`;
    const forgedUpload = csv();
    const refused = await agent.post(upload).set('Content-Type', forgedUpload.contentType).send(forgedUpload.body);
    expect(csrfRefusal(refused, false)).to.equal(undefined);
    expect(await enrolled()).to.equal(2);
    const realUpload = csv({ _csrf: token });
    const uploaded = await agent.post(upload).set('Content-Type', realUpload.contentType).send(realUpload.body);
    expect(uploaded.status, uploaded.text.slice(0, 300)).to.equal(303);
    expect(uploaded.text).not.to.include(t('errors.csrf'));
    expect(await Enrolment.exists({ session: w.session._id, person: w.latecomer._id })).not.to.equal(null);
  });
});
