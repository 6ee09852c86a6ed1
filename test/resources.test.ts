import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseDisposition } from 'content-disposition';
import ejs from 'ejs';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import request from 'supertest';
import type { Actor } from '../src/access/actor.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { findOrphans, removeOrphans } from '../src/resources/cleanup.ts';
import { DiskStorage, uploadPaths } from '../src/storage/disk-storage.ts';
import { uploadResources } from '../src/resources/resource-changes.service.ts';
import { Resource } from '../src/resources/resource.model.ts';
import { ResourceVersion } from '../src/resources/resource-version.model.ts';
import { formatSize } from '../src/http/format-size.ts';
import { listResourcesForModule } from '../src/resources/resources.service.ts';
import { toActor } from '../src/people/people.service.ts';
import { Person } from '../src/people/person.model.ts';
import { buildApp, testConfig, testI18n } from './support/context.ts';
import { buildTrainingSession, buildUser, daysFromNow, DEFAULT_PASSWORD } from './support/factories.ts';
import { buildWorld } from './support/world.ts';
import * as files from './support/files.ts';
import { csrfFrom, csrfToken, formBody, signIn, type Agent } from './support/http.ts';
import { expectLabelledControls, expectNoMissingTranslations, fieldError, inputValue, links } from './page-helpers.ts';

// Resource materials over HTTP: uploads checked by content, all or nothing; downloads only
// through the authorised route, with safe headers and byte ranges; versions and deletion.
// Every run uploads into its own temporary folder, never the project's uploads/.

const LIMIT = 200 * 1024; // small, so an oversize file stays small too

describe('resource materials', () => {
  let uploadsDir: string;
  let app: Express;
  let storage: DiskStorage;
  let t: TFunction;

  before(async () => {
    uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cadre-uploads-'));
    app = await buildApp({ config: { uploadsDir, uploadMaxBytes: LIMIT } });
    storage = new DiskStorage(uploadsDir);
    t = (await testI18n()).getFixedT('en');
  });
  beforeEach(async () => {
    await rm(path.join(uploadsDir, 'files'), { recursive: true, force: true });
    await rm(path.join(uploadsDir, 'tmp'), { recursive: true, force: true });
  });
  after(async () => {
    await rm(uploadsDir, { recursive: true, force: true });
  });

  /** Every file under the uploads folder, stored or temporary. */
  async function filesOnDisk(): Promise<string[]> {
    const found: string[] = [];
    for (const folder of ['files', 'tmp']) {
      const names = await readdir(path.join(uploadsDir, folder)).catch(() => [] as string[]);
      found.push(...names.map((name) => `${folder}/${name}`));
    }
    return found.sort();
  }

  async function expectNothingStored() {
    expect(await filesOnDisk(), 'files left in the uploads folder').to.deep.equal([]);
    expect(await Resource.countDocuments(), 'resources').to.equal(0);
    expect(await ResourceVersion.countDocuments(), 'versions').to.equal(0);
  }

  async function world() {
    const w = await buildWorld({
      countries: { uganda: { code: 'UG', name: 'Uganda' }, kenya: { code: 'KE', name: 'Kenya' } },
      institutions: {
        home: { country: 'uganda', code: 'HOME', name: 'Home Academy' },
        other: { country: 'uganda', code: 'OTHER', name: 'Other Prison' },
        abroad: { country: 'kenya', code: 'ABROAD', name: 'Abroad Academy' },
      },
      people: {
        admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
        coordinator: { roles: ['coordinator'], at: 'home', fullName: 'Cora Coordinator' },
        otherCoordinator: { roles: ['coordinator'], at: 'other', fullName: 'Otto Other' },
        trainer: { roles: ['trainer'], at: 'home', fullName: 'Tom Trainer' },
        staff: { roles: ['staff'], at: 'home', fullName: 'Sam Staff' },
        foreigner: { roles: ['staff'], at: 'abroad', fullName: 'Fay Foreign' },
      },
    });
    // stored as bare as the model allows: no objectives, languages or publication date
    const owned = { institution: w.institutions.home._id, country: w.countries.uganda._id };
    const module = await TrainingModule.create({
      code: 'PVE-01',
      title: 'Preventing violent extremism',
      hours: 6,
      status: 'published',
      ...owned,
    });
    const draft = await TrainingModule.create({
      code: 'PVE-02',
      title: 'Draft module',
      hours: 2,
      status: 'draft',
      ...owned,
    });
    return { module, draft, ...w.people };
  }
  type World = Awaited<ReturnType<typeof world>>;

  async function actorOf(user: { _id: unknown }): Promise<Actor> {
    return toActor((await Person.findById(user._id).lean())!);
  }

  type Seed = { audience?: 'trainers' | 'participants'; name?: string; content?: Buffer; title?: string };

  /** A material added through the service, as the module's coordinator would. */
  async function addResource(w: World, module: { id: string }, seed: Seed = {}): Promise<string> {
    const tmp = uploadPaths(uploadsDir).tmp;
    await mkdir(tmp, { recursive: true });
    const tempPath = path.join(tmp, randomBytes(8).toString('hex'));
    const content = seed.content ?? files.pdf();
    await writeFile(tempPath, content);
    const input = {
      title: seed.title ?? 'Seeded handout',
      kind: 'handout',
      language: 'en',
      audience: seed.audience ?? 'participants',
    } as const;
    const [created] = await uploadResources(storage, await actorOf(w.coordinator), module.id, input, [
      { tempPath, originalName: seed.name ?? 'handout.pdf', size: content.length },
    ]);
    return created!.id;
  }

  const FORM = { kind: 'handout', language: 'en', audience: 'participants' };
  type Upload = { name: string; content: Buffer };

  /** Posts the upload form as a browser does: multipart, the CSRF token in the action's query. */
  async function upload(
    agent: Agent,
    moduleId: string,
    uploads: Upload[],
    fields: Record<string, string> = {},
    token?: string | null,
  ) {
    const csrf = token === undefined ? await csrfToken(agent, '/account') : token;
    const { body, contentType } = files.multipart(
      { ...FORM, ...fields },
      uploads.map((u) => ({ field: 'files', ...u })),
    );
    const query = csrf === null ? '' : `?_csrf=${encodeURIComponent(csrf)}`;
    return agent.post(`/modules/${moduleId}/resources${query}`).set('Content-Type', contentType).send(body);
  }

  async function replace(agent: Agent, resourceId: string, file: Upload, token?: string) {
    const csrf = token ?? (await csrfToken(agent, '/account'));
    const { body, contentType } = files.multipart({}, [{ field: 'file', ...file }]);
    return agent
      .post(`/resources/${resourceId}/versions?_csrf=${encodeURIComponent(csrf)}`)
      .set('Content-Type', contentType)
      .send(body);
  }

  async function postForm(agent: Agent, action: string, fields: Record<string, string> = {}) {
    const token = await csrfToken(agent, '/account');
    return agent
      .post(action)
      .type('form')
      .send(formBody({ _csrf: token, ...fields }));
  }

  /** A download with its body as bytes, whatever its type. */
  function download(agent: Agent | ReturnType<typeof request>, url: string) {
    return (agent as Agent)
      .get(url)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }

  describe('who may reach which route', () => {
    let w: World;
    let shared: string; // for participants, in the published module
    let secret: string; // for trainers only, in the published module
    let drafted: string; // in the draft module
    beforeEach(async () => {
      w = await world();
      shared = await addResource(w, w.module, { title: 'Participant handout' });
      secret = await addResource(w, w.module, { title: 'Trainer notes', audience: 'trainers' });
      drafted = await addResource(w, w.draft, { title: 'Draft handout' });
    });

    const pages = (m: string, r: string) => ({
      new: `/modules/${m}/resources/new`,
      show: `/resources/${r}`,
      edit: `/resources/${r}/edit`,
      delete: `/resources/${r}/delete`,
      download: `/resources/${r}/download`,
      version: `/resources/${r}/versions/1/download`,
    });

    async function statuses(agent: Agent, m: string, r: string) {
      const seen: Record<string, number> = {};
      for (const [name, url] of Object.entries(pages(m, r))) seen[name] = (await agent.get(url)).status;
      const pdf = [{ name: 'x.pdf', content: files.pdf() }];
      seen.upload = (await upload(agent, m, pdf)).status;
      seen.replace = (await replace(agent, r, pdf[0]!)).status;
      seen.update = (await postForm(agent, `/resources/${r}`, { title: 'Taken', ...FORM })).status;
      seen.remove = (await postForm(agent, `/resources/${r}/delete`)).status;
      return seen;
    }

    const reader = {
      new: 403,
      show: 200,
      edit: 403,
      delete: 403,
      download: 200,
      version: 200,
      upload: 403,
      replace: 403,
      update: 403,
      remove: 403,
    };
    const hidden = {
      new: 403,
      show: 404,
      edit: 404,
      delete: 404,
      download: 404,
      version: 404,
      upload: 403,
      replace: 404,
      update: 404,
      remove: 404,
    };
    const nothing = { ...hidden, new: 404, upload: 404 };

    const cases: [string, keyof World, Record<string, number>, Record<string, number>, Record<string, number>][] = [
      // who, as, participants' material, trainer-only material, material of a draft module
      ['staff of the owning institution', 'staff', reader, hidden, nothing],
      ['a trainer', 'trainer', reader, { ...reader }, nothing],
      ['a coordinator of another institution', 'otherCoordinator', reader, hidden, nothing],
      ['staff of another country', 'foreigner', nothing, nothing, nothing],
    ];
    for (const [who, role, forShared, forSecret, forDraft] of cases) {
      it(`${who}: reads what they may, 404 for what they may not see, 403 for changes, and nothing changes`, async () => {
        const agent = await signIn(app, (w[role] as { email?: string | null }).email!);
        expect(await statuses(agent, w.module.id, shared), 'participants').to.deep.equal(forShared);
        expect(await statuses(agent, w.module.id, secret), 'trainers only').to.deep.equal(forSecret);
        expect(await statuses(agent, w.draft.id, drafted), 'draft module').to.deep.equal(forDraft);
        expect(await Resource.countDocuments()).to.equal(3);
        expect(await ResourceVersion.countDocuments()).to.equal(3);
        expect(await Resource.exists({ title: 'Taken' })).to.equal(null);
        expect((await filesOnDisk()).filter((f) => f.startsWith('tmp/'))).to.deep.equal([]);
      });
    }

    for (const role of ['coordinator', 'admin'] as const) {
      it(`the module's ${role} opens every page of every material`, async () => {
        const agent = await signIn(app, w[role].email!);
        for (const [m, r] of [
          [w.module.id, shared],
          [w.module.id, secret],
          [w.draft.id, drafted],
        ] as const) {
          for (const [name, url] of Object.entries(pages(m, r))) {
            const res = await agent.get(url);
            expect(res.status, name).to.equal(200);
            if (!['download', 'version'].includes(name)) {
              expectNoMissingTranslations(res.text);
              expectLabelledControls(res.text);
            }
          }
        }
      });
    }

    it('sends anonymous visitors to sign in, refuses their posts, and stores nothing', async () => {
      for (const url of Object.values(pages(w.module.id, shared))) {
        const res = await request(app).get(url);
        expect(res.status, url).to.equal(303);
        expect(res.headers.location).to.equal('/login');
      }
      const anonymous = request.agent(app);
      const token = csrfFrom((await anonymous.get('/login')).text);
      const res = await upload(anonymous, w.module.id, [{ name: 'x.pdf', content: files.pdf() }], {}, token);
      expect(res.status).to.be.oneOf([401, 403]);
      expect(
        (await anonymous.post(`/resources/${shared}/delete`).type('form').send({ _csrf: token })).status,
      ).to.be.oneOf([401, 403]);
      expect(await Resource.countDocuments()).to.equal(3);
    });

    it('answers 404 for ids that are malformed or of nothing, and for unknown versions', async () => {
      const agent = await signIn(app, w.admin.email!);
      for (const url of [
        '/resources/nope',
        '/resources/0123456789abcdef01234567',
        '/resources/0123456789abcdef01234567/download',
        `/resources/${shared}/versions/2/download`,
        `/resources/${shared}/versions/x/download`,
        '/modules/0123456789abcdef01234567/resources/new',
      ]) {
        expect((await agent.get(url)).status, url).to.equal(404);
      }
    });

    it('keeps trainer-only material out of the list for staff, and in it for trainers', async () => {
      const titles = async (user: { _id: unknown }) =>
        (await listResourcesForModule(await actorOf(user), w.module)).map((r) => r.title).sort();
      expect(await titles(w.staff)).to.deep.equal(['Participant handout']);
      expect(await titles(w.trainer)).to.deep.equal(['Participant handout', 'Trainer notes']);
      expect(await titles(w.coordinator)).to.deep.equal(['Participant handout', 'Trainer notes']);
      expect(await titles(w.foreigner)).to.deep.equal([]);
      expect(await listResourcesForModule(await actorOf(w.staff), w.draft)).to.deep.equal([]);
    });
  });

  describe('uploading', () => {
    let w: World;
    let agent: Agent;
    beforeEach(async () => {
      w = await world();
      agent = await signIn(app, w.coordinator.email!);
    });

    const allowed: [string, () => Buffer, string][] = [
      ['handout.pdf', files.pdf, 'application/pdf'],
      [
        'notes.docx',
        () => files.office('docx'),
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      ['scores.xlsx', () => files.office('xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [
        'slides.pptx',
        () => files.office('pptx'),
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      ],
      ['old.doc', () => files.compoundFile('WordDocument'), 'application/msword'],
      ['old.xls', () => files.compoundFile('Workbook'), 'application/vnd.ms-excel'],
      ['old.ppt', () => files.compoundFile('PowerPoint Document'), 'application/vnd.ms-powerpoint'],
      ['text.odt', () => files.openDocument('text'), 'application/vnd.oasis.opendocument.text'],
      ['sheet.ods', () => files.openDocument('spreadsheet'), 'application/vnd.oasis.opendocument.spreadsheet'],
      ['talk.odp', () => files.openDocument('presentation'), 'application/vnd.oasis.opendocument.presentation'],
      ['readme.txt', () => files.text(), 'text/plain; charset=utf-8'],
      ['roster.csv', files.csv, 'text/csv; charset=utf-8'],
      ['photo.png', files.png, 'image/png'],
      ['photo.jpg', files.jpeg, 'image/jpeg'],
      ['film.mp4', files.mp4, 'video/mp4'],
      ['talk.mp3', files.mp3, 'audio/mpeg'],
    ];
    for (const [name, build, mimeType] of allowed) {
      it(`takes ${name}, stores it under a generated name and gives the same bytes back as ${mimeType}`, async () => {
        const content = build();
        const res = await upload(agent, w.module.id, [{ name, content }], { title: `Material ${name}` });
        expect(res.status, res.text.slice(0, 500)).to.equal(303);
        const resource = await Resource.findOne({ title: `Material ${name}` }).orFail();
        expect(res.headers.location).to.equal(`/resources/${resource.id}`);
        const version = await ResourceVersion.findOne({ resource: resource._id }).orFail();
        expect(version).to.deep.include({ version: 1, originalName: name, mimeType, size: content.length });
        expect(await filesOnDisk()).to.deep.equal([`files/${version.storageKey}`]);
        expect(version.storageKey).to.match(/^[0-9a-f]{32}$/);
        expect(await readFile(path.join(uploadsDir, 'files', version.storageKey))).to.deep.equal(content);
        const back = await download(agent, `/resources/${resource.id}/download`);
        expect(back.status).to.equal(200);
        expect(back.headers['content-type']).to.equal(mimeType);
        expect(back.body).to.deep.equal(content);
      });
    }

    it('takes several files at once, one material each, titled by their file names', async () => {
      const res = await upload(agent, w.module.id, [
        { name: 'Day 1 – slides.pptx', content: files.office('pptx') },
        { name: 'Day 1 – handout.pdf', content: files.pdf() },
        { name: 'attendance.csv', content: files.csv() },
      ]);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/modules/${w.module.id}#materials`);
      const titles = (await Resource.find().lean()).map((r) => r.title).sort();
      expect(titles).to.deep.equal(['Day 1 – handout', 'Day 1 – slides', 'attendance']);
      expect(await filesOnDisk()).to.have.length(3);
    });

    it('puts a typed title before each file name when there are several files', async () => {
      await upload(
        agent,
        w.module.id,
        [
          { name: 'a.pdf', content: files.pdf() },
          { name: 'b.pdf', content: files.pdf('B') },
        ],
        { title: 'Week 1' },
      );
      const titles = (await Resource.find().lean()).map((r) => r.title).sort();
      expect(titles).to.deep.equal(['Week 1 – a', 'Week 1 – b']);
    });

    it('shows the form with its choices, limits and accepted types', async () => {
      const res = await agent.get(`/modules/${w.module.id}/resources/new`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('enctype="multipart/form-data"');
      expect(res.text).to.match(/action="\/modules\/[0-9a-f]{24}\/resources\?_csrf=[^"]+"/);
      expect(res.text).to.include(t('resources:hints.files', { max: 10, size: '200 kB' }));
      expectNoMissingTranslations(res.text);
      expectLabelledControls(res.text);
    });

    const refusals: [string, Upload, string][] = [
      ['a Linux program named .pdf', { name: 'handout.pdf', content: files.elf() }, 'executable'],
      ['a Windows program named .pdf', { name: 'handout.pdf', content: files.windowsProgram() }, 'executable'],
      ['a web page', { name: 'page.html', content: files.html() }, 'markup'],
      ['a web page named .pdf', { name: 'handout.pdf', content: files.html() }, 'markup'],
      ['an SVG drawing', { name: 'logo.svg', content: files.svg() }, 'markup'],
      [
        'a zip holding a program',
        { name: 'bundle.zip', content: files.zip([{ name: 'setup.exe', data: files.windowsProgram() }]) },
        'archive',
      ],
      ['a text file with NUL bytes', { name: 'notes.txt', content: Buffer.from('line one\0line two') }, 'notText'],
      ['a PNG named .docx', { name: 'notes.docx', content: files.png() }, 'mismatch'],
      ['a program with a path-traversal name', { name: '../../../tmp/evil.pdf', content: files.elf() }, 'executable'],
    ];
    for (const [what, file, reason] of refusals) {
      it(`refuses ${what} with a message beside the file field, keeps the other fields, and stores nothing`, async () => {
        const res = await upload(agent, w.module.id, [file], { title: 'Kept title', audience: 'trainers' });
        expect(res.status).to.equal(422);
        const name = path.basename(file.name);
        expect(fieldError(res.text, 'files')).to.equal(
          t(`resources:refused.${reason}`, { name, extension: path.extname(name).slice(1), detected: '—' }),
        );
        expect(res.text).to.include(t('resources:upload.chooseAgain'));
        expect(inputValue(res.text, 'title')).to.equal('Kept title');
        expect(res.text).to.match(/value="trainers"\s+checked/);
        await expectNothingStored();
      });
    }

    it('refuses a file over the size limit with 413, naming the limit, and stores nothing', async () => {
      const big = Buffer.concat([files.pdf(), Buffer.alloc(LIMIT + 1, 0x20)]);
      const res = await upload(agent, w.module.id, [{ name: 'big.pdf', content: big }], { title: 'Too big' });
      expect(res.status).to.equal(413);
      expect(fieldError(res.text, 'files')).to.equal(
        t('resources:refused.tooLarge', { name: 'big.pdf', limit: '200 kB' }),
      );
      expect(inputValue(res.text, 'title')).to.equal('Too big');
      await expectNothingStored();
    });

    it('refuses more than ten files with 413 and stores nothing', async () => {
      const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.pdf`, content: files.pdf() }));
      const res = await upload(agent, w.module.id, eleven);
      expect(res.status).to.equal(413);
      expect(fieldError(res.text, 'files')).to.equal(t('resources:refused.tooMany', { max: 10 }));
      await expectNothingStored();
    });

    it('refuses a file sent in a field the form does not have, and two files to the one-file form', async () => {
      const token = await csrfToken(agent, '/account');
      const stray = files.multipart(FORM, [{ field: 'document', name: 'a.pdf', content: files.pdf() }]);
      const res = await agent
        .post(`/modules/${w.module.id}/resources?_csrf=${encodeURIComponent(token)}`)
        .set('Content-Type', stray.contentType)
        .send(stray.body);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'files')).to.equal(t('resources:refused.badForm'));
      const id = await addResource(w, w.module);
      const two = files.multipart({}, [
        { field: 'file', name: 'a.pdf', content: files.pdf() },
        { field: 'file', name: 'b.pdf', content: files.pdf() },
      ]);
      const replaced = await agent
        .post(`/resources/${id}/versions?_csrf=${encodeURIComponent(token)}`)
        .set('Content-Type', two.contentType)
        .send(two.body);
      expect(replaced.status).to.equal(413);
      expect(await ResourceVersion.countDocuments()).to.equal(1);
      expect(await filesOnDisk()).to.have.length(1);
    });

    it('takes nothing when one file of several is refused, and names every refused file', async () => {
      const res = await upload(agent, w.module.id, [
        { name: 'good.pdf', content: files.pdf() },
        { name: 'bad.pdf', content: files.elf() },
        { name: 'page.html', content: files.html() },
      ]);
      expect(res.status).to.equal(422);
      // the good file is named as not kept: an upload is saved whole or not at all
      expect(fieldError(res.text, 'files')).to.equal(
        'Nothing was saved, not even the files that were fine: fix or leave out “bad.pdf”, “page.html”, then upload again.',
      );
      expect(res.text).to.include(t('resources:refused.executable', { name: 'bad.pdf' }));
      expect(res.text).to.include('page.html');
      await expectNothingStored();
    });

    it('says how many were refused when every file of several is', async () => {
      const res = await upload(agent, w.module.id, [
        { name: 'bad.pdf', content: files.elf() },
        { name: 'page.html', content: files.html() },
      ]);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'files')).to.equal(t('resources:refused.several', { count: 2 }));
      await expectNothingStored();
    });

    it('asks for a file when none was chosen, and for the fields it needs', async () => {
      const none = await upload(agent, w.module.id, []);
      expect(none.status).to.equal(422);
      expect(fieldError(none.text, 'files')).to.equal(t('resources:upload.noFile'));
      const bad = await upload(agent, w.module.id, [{ name: 'a.pdf', content: files.pdf() }], {
        kind: 'poster',
        audience: 'everyone',
      });
      expect(bad.status).to.equal(422);
      expect(fieldError(bad.text, 'kind')).to.equal(t('validation.choice'));
      expect(fieldError(bad.text, 'audience')).to.equal(t('validation.choice'));
      await expectNothingStored();
    });

    it('reduces a path-traversal name to its base name and never writes outside the uploads folder', async () => {
      const res = await upload(agent, w.module.id, [{ name: '../../etc/passwd.pdf', content: files.pdf() }]);
      expect(res.status).to.equal(303);
      const version = await ResourceVersion.findOne().orFail();
      expect(version.originalName).to.equal('passwd.pdf');
      expect(await filesOnDisk()).to.deep.equal([`files/${version.storageKey}`]);
      const windows = await upload(agent, w.module.id, [
        { name: '..\\..\\Windows\\system.ini.txt', content: files.text() },
      ]);
      expect(windows.status).to.equal(303);
      expect(await ResourceVersion.exists({ originalName: 'system.ini.txt' })).not.to.equal(null);
    });

    it('refuses an upload without the token in its query string (403) before reading a byte of it', async () => {
      const missing = await upload(agent, w.module.id, [{ name: 'a.pdf', content: files.pdf() }], {}, null);
      expect(missing.status).to.equal(403);
      const wrong = await upload(agent, w.module.id, [{ name: 'a.pdf', content: files.pdf() }], {}, 'not-the-token');
      expect(wrong.status).to.equal(403);
      // the token in the body does not count for a multipart form
      const token = await csrfToken(agent, '/account');
      const { body, contentType } = files.multipart({ _csrf: token, ...FORM }, [
        { field: 'files', name: 'a.pdf', content: files.pdf() },
      ]);
      const inBody = await agent.post(`/modules/${w.module.id}/resources`).set('Content-Type', contentType).send(body);
      expect(inBody.status).to.equal(403);
      await expectNothingStored();
    });

    it('logs each refusal with its reason, and never the token from the query string', async () => {
      const logLines: string[] = [];
      const logged = await buildApp({ config: { uploadsDir, uploadMaxBytes: LIMIT }, logLines });
      const person = await signIn(logged, w.coordinator.email!);
      const token = await csrfToken(person, '/account');
      const res = await upload(person, w.module.id, [{ name: 'handout.pdf', content: files.elf() }], {}, token);
      expect(res.status).to.equal(422);
      const refusal = logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((l) => l.msg === 'upload refused');
      expect(refusal).to.deep.include({ status: 422, reasons: ['resources:refused.executable'] });
      expect(logLines.join('\n')).not.to.include(token);
    });

    it('leaves neither a file nor a record when the upload is cut off half-way', async () => {
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const base = `http://127.0.0.1:${port}`;
        const cookie = await signInOver(base, w.coordinator.email!);
        const token = csrfFrom(await (await fetch(`${base}/account`, { headers: { cookie } })).text());
        const { body, contentType } = files.multipart(FORM, [
          { field: 'files', name: 'film.mp4', content: Buffer.concat([files.mp4(), Buffer.alloc(150_000, 1)]) },
        ]);
        const req = http.request(`${base}/modules/${w.module.id}/resources?_csrf=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { cookie, 'content-type': contentType, 'content-length': String(body.length) },
        });
        req.on('error', () => undefined);
        req.write(body.subarray(0, 100_000));
        await until('the upload has begun', async () => (await filesOnDisk()).some((f) => f.startsWith('tmp/')));
        req.destroy();
        await until('the partial file is gone', async () => (await filesOnDisk()).length === 0);
        await expectNothingStored();
      } finally {
        server.close();
      }
    });
  });

  describe('downloading', () => {
    let w: World;
    let agent: Agent;
    beforeEach(async () => {
      w = await world();
      agent = await signIn(app, w.staff.email!);
    });

    it('sends an Office file as an attachment with its exact type, nosniff, a sandbox and no caching', async () => {
      const content = files.office('docx');
      const id = await addResource(w, w.module, { name: 'notes.docx', content });
      const res = await download(agent, `/resources/${id}/download`);
      expect(res.status).to.equal(200);
      expect(res.headers).to.include({
        'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
        'accept-ranges': 'bytes',
        'content-length': String(content.length),
        'cache-control': 'no-store',
      });
      expect(parseDisposition(res.headers['content-disposition']!)).to.deep.equal({
        type: 'attachment',
        parameters: { filename: 'notes.docx' },
      });
      const version = await ResourceVersion.findOne().orFail();
      expect(res.headers.etag).to.equal(`"${version.sha256}"`);
      expect(res.body).to.deep.equal(content);
    });

    it('lets PDF, PNG and JPEG show in the browser, and sends text, HTML-looking or not, as an attachment', async () => {
      const cases: [string, Buffer, string][] = [
        ['a.pdf', files.pdf(), 'inline'],
        ['a.png', files.png(), 'inline'],
        ['a.jpg', files.jpeg(), 'inline'],
        ['a.txt', files.text(), 'attachment'],
        ['a.csv', files.csv(), 'attachment'],
        ['a.mp4', files.mp4(), 'attachment'],
      ];
      for (const [name, content, type] of cases) {
        const id = await addResource(w, w.module, { name, content });
        const res = await download(agent, `/resources/${id}/download`);
        expect(parseDisposition(res.headers['content-disposition']!).type, name).to.equal(type);
        expect(res.headers['content-security-policy'], name).to.equal('sandbox');
      }
    });

    it('answers a byte range with 206 and exactly those bytes, so a video plays on a slow link', async () => {
      const content = Buffer.concat([files.mp4(), randomBytes(4000)]);
      const id = await addResource(w, w.module, { name: 'film.mp4', content });
      const url = `/resources/${id}/download`;
      const first = await download(agent, url).set('Range', 'bytes=0-9');
      expect(first.status).to.equal(206);
      expect(first.headers['content-range']).to.equal(`bytes 0-9/${content.length}`);
      expect(first.headers['content-length']).to.equal('10');
      expect(first.body).to.deep.equal(content.subarray(0, 10));
      const middle = await download(agent, url).set('Range', 'bytes=1000-2999');
      expect(middle.status).to.equal(206);
      expect(middle.body).to.deep.equal(content.subarray(1000, 3000));
      const rest = await download(agent, url).set('Range', `bytes=${content.length - 100}-`);
      expect(rest.body).to.deep.equal(content.subarray(content.length - 100));
      const last = await download(agent, url).set('Range', 'bytes=-5');
      expect(last.headers['content-range']).to.equal(
        `bytes ${content.length - 5}-${content.length - 1}/${content.length}`,
      );
      expect(last.body).to.deep.equal(content.subarray(content.length - 5));
    });

    it('answers 416 with the size for a range past the end, and the whole file for ranges it does not serve', async () => {
      const content = files.pdf();
      const id = await addResource(w, w.module, { content });
      const url = `/resources/${id}/download`;
      const past = await download(agent, url).set('Range', `bytes=${content.length}-`);
      expect(past.status).to.equal(416);
      expect(past.headers['content-range']).to.equal(`bytes */${content.length}`);
      for (const range of ['bytes=0-1,5-6', 'lines=1-2', 'bytes=x-y']) {
        const whole = await download(agent, url).set('Range', range);
        expect(whole.status, range).to.equal(200);
        expect(whole.body, range).to.deep.equal(content);
      }
      const otherVersion = await download(agent, url).set('Range', 'bytes=0-9').set('If-Range', '"not-this-file"');
      expect(otherVersion.status).to.equal(200);
      const sameVersion = await download(agent, url)
        .set('Range', 'bytes=0-9')
        .set('If-Range', otherVersion.headers.etag!);
      expect(sameVersion.status).to.equal(206);
      const head = await agent.head(url);
      expect(head.status).to.equal(200);
      expect(head.headers['content-length']).to.equal(String(content.length));
    });

    for (const name of ['План занятий — день 1.pdf', 'خطة التدريب.docx', 'Ünïcödé; 50% & co.txt']) {
      it(`keeps the name "${name}" from upload to download (RFC 6266 filename*)`, async () => {
        const coordinator = await signIn(app, w.coordinator.email!);
        const content = name.endsWith('.pdf')
          ? files.pdf()
          : name.endsWith('.docx')
            ? files.office('docx')
            : files.text();
        const res = await upload(coordinator, w.module.id, [{ name, content }]);
        expect(res.status).to.equal(303);
        const back = await download(agent, `${res.headers.location}/download`);
        expect(back.headers['content-disposition']).to.include("filename*=UTF-8''");
        expect(parseDisposition(back.headers['content-disposition']!).parameters.filename).to.equal(name);
        const page = await agent.get(res.headers.location!);
        expect(page.text).to.include(name.replace(/&/g, '&amp;').replace(/"/g, '&#34;'));
      });
    }

    it('never serves the uploads folder as files, whatever the path', async () => {
      await addResource(w, w.module);
      const { storageKey } = await ResourceVersion.findOne().orFail();
      for (const url of [
        `/uploads/files/${storageKey}`,
        `/public/../uploads/files/${storageKey}`,
        `/files/${storageKey}`,
        `/public/${storageKey}`,
      ]) {
        expect((await agent.get(url)).status, url).to.equal(404);
      }
    });

    it('answers 404 when the stored file has gone missing, and says so to no one but the log', async () => {
      const id = await addResource(w, w.module);
      const { storageKey } = await ResourceVersion.findOne().orFail();
      await storage.remove(storageKey);
      expect((await agent.get(`/resources/${id}/download`)).status).to.equal(404);
    });
  });

  describe('versions, details and deletion', () => {
    let w: World;
    let coordinator: Agent;
    let id: string;
    beforeEach(async () => {
      w = await world();
      coordinator = await signIn(app, w.coordinator.email!);
      id = await addResource(w, w.module, { name: 'v1.pdf', content: files.pdf('first') });
    });

    it('replacing the file makes version 2; version 1 stays listed and downloadable by editors only', async () => {
      const res = await replace(coordinator, id, { name: 'v2.pdf', content: files.pdf('second') });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/resources/${id}`);
      expect((await Resource.findById(id).orFail()).currentVersion).to.equal(2);
      const page = await coordinator.get(`/resources/${id}`);
      expect(page.text).to.include(t('resources:replace.done', { version: 2 }));
      expect(links(page.text)).to.include.members([
        `/resources/${id}/versions/1/download`,
        `/resources/${id}/versions/2/download`,
      ]);
      const versions = await ResourceVersion.find().sort({ version: 1 }).lean();
      for (const v of versions) expect(page.text).to.include(v.sha256.slice(0, 12));
      expect(page.text).to.include('Cora Coordinator');
      expectNoMissingTranslations(page.text);
      expectLabelledControls(page.text);

      expect((await download(coordinator, `/resources/${id}/download`)).body).to.deep.equal(files.pdf('second'));
      expect((await download(coordinator, `/resources/${id}/versions/1/download`)).body).to.deep.equal(
        files.pdf('first'),
      );
      expect(await filesOnDisk()).to.have.length(2);

      const staff = await signIn(app, w.staff.email!);
      expect((await download(staff, `/resources/${id}/download`)).body).to.deep.equal(files.pdf('second'));
      expect((await staff.get(`/resources/${id}/versions/2/download`)).status).to.equal(200);
      // staff see the material, not its older versions: refused (403), no longer 404
      expect((await staff.get(`/resources/${id}/versions/1/download`)).status).to.equal(403);
      const staffPage = await staff.get(`/resources/${id}`);
      expect(links(staffPage.text)).not.to.include(`/resources/${id}/versions/1/download`);
      expect(staffPage.text).not.to.include('enctype="multipart/form-data"');
    });

    it('a refused replacement keeps version 1 and stores nothing more', async () => {
      const res = await replace(coordinator, id, { name: 'v2.pdf', content: files.windowsProgram() });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'file')).to.equal(t('resources:refused.executable', { name: 'v2.pdf' }));
      expect((await Resource.findById(id).orFail()).currentVersion).to.equal(1);
      expect(await ResourceVersion.countDocuments()).to.equal(1);
      expect(await filesOnDisk()).to.have.length(1);
      const big = await replace(coordinator, id, { name: 'big.pdf', content: Buffer.alloc(LIMIT + 10, 0x25) });
      expect(big.status).to.equal(413);
      expect(await filesOnDisk()).to.have.length(1);
    });

    it('two replacements at once make versions 2 and 3, or one is refused: never two versions 2', async () => {
      const token = await csrfToken(coordinator, '/account');
      const results = await Promise.all([
        replace(coordinator, id, { name: 'a.pdf', content: files.pdf('a') }, token),
        replace(coordinator, id, { name: 'b.pdf', content: files.pdf('b') }, token),
      ]);
      const versions = (await ResourceVersion.find().lean()).map((v) => v.version).sort();
      expect(new Set(versions).size).to.equal(versions.length);
      expect(await filesOnDisk()).to.have.length(versions.length);
      for (const res of results) expect(res.status).to.be.oneOf([303, 422]);
      expect((await Resource.findById(id).orFail()).currentVersion).to.equal(Math.max(...versions));
    });

    it('edits the title, kind, language and audience, and re-shows an invalid form with its values', async () => {
      const bad = await postForm(coordinator, `/resources/${id}`, {
        title: '',
        kind: 'slides',
        language: 'kk',
        audience: 'trainers',
      });
      expect(bad.status).to.equal(422);
      expect(fieldError(bad.text, 'title')).to.equal(t('validation.required'));
      const ok = await postForm(coordinator, `/resources/${id}`, {
        title: 'Trainer guide',
        kind: 'slides',
        language: 'kk',
        audience: 'trainers',
      });
      expect(ok.status).to.equal(303);
      expect(await Resource.findById(id).lean()).to.deep.include({
        title: 'Trainer guide',
        kind: 'slides',
        language: 'kk',
        audience: 'trainers',
      });
      const staff = await signIn(app, w.staff.email!);
      expect((await staff.get(`/resources/${id}`)).status).to.equal(404);
      const extra = await postForm(coordinator, `/resources/${id}`, {
        title: 'X',
        kind: 'slides',
        language: 'en',
        audience: 'trainers',
        module: w.draft.id,
      });
      expect(extra.status).to.equal(422);
      expect((await Resource.findById(id).orFail()).module.toHexString()).to.equal(w.module.id);
    });

    it('asks before deleting, then removes the material, every version and every stored file', async () => {
      await replace(coordinator, id, { name: 'v2.pdf', content: files.pdf('second') });
      const confirm = await coordinator.get(`/resources/${id}/delete`);
      expect(confirm.status).to.equal(200);
      expect(confirm.text).to.include(`action="/resources/${id}/delete"`);
      expect(await Resource.countDocuments()).to.equal(1); // asking changed nothing
      const res = await postForm(coordinator, `/resources/${id}/delete`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/modules/${w.module.id}#materials`);
      await expectNothingStored();
      expect((await coordinator.get(`/resources/${id}/download`)).status).to.equal(404);
    });
  });

  describe('the materials list of a module page', () => {
    it('shows each material with its facts and download link, and manage links for editors only', async () => {
      const w = await world();
      await addResource(w, w.module, { title: 'Facilitator guide', audience: 'trainers', name: 'guide.pdf' });
      const i18n = await testI18n();
      const render = async (user: { _id: unknown }, canEdit: boolean) =>
        ejs.renderFile(path.join(testConfig.projectRoot, 'views/resources/_list.ejs'), {
          resources: await listResourcesForModule(await actorOf(user), w.module),
          module: w.module,
          canEdit,
          t: i18n.getFixedT('en'),
          fileSize: (bytes: number) => formatSize(bytes, 'en'),
        });
      const html = await render(w.coordinator, true);
      expect(html).to.include('Facilitator guide');
      expect(html).to.include(t('resources:kinds.handout'));
      expect(html).to.include(t('resources:audiences.trainers'));
      expect(html).to.match(/\d+ byte/);
      const id = (await Resource.findOne().orFail()).id;
      expect(links(html)).to.include.members([
        `/resources/${id}/download`,
        `/resources/${id}/delete`,
        `/modules/${w.module.id}/resources/new`,
      ]);
      expectNoMissingTranslations(html);
      const forTrainer = await render(w.trainer, false);
      expect(links(forTrainer)).to.include(`/resources/${id}/download`);
      expect(links(forTrainer)).not.to.include(`/resources/${id}/delete`);
      const forStaff = await render(w.staff, false);
      expect(forStaff).not.to.include('Facilitator guide');
      expect(forStaff).to.include(t('resources:list.empty'));
    });
  });

  describe('materials of a session, and of a module gone from the catalogue', () => {
    /** An open session of the module at Home, taught by the world's trainer, with the given people seated. */
    async function deliver(w: World, seated: { _id: unknown }[]) {
      const session = await buildTrainingSession({
        module: w.module,
        venue: { _id: w.staff.institution!, country: w.module.country },
        date: daysFromNow(-30),
        timeZone: 'Africa/Kampala',
        status: 'completed',
        trainers: [w.trainer],
      });
      await Enrolment.insertMany(
        seated.map((person, i) => ({ session: session._id, person, state: 'enrolled', seat: i + 1 })),
      );
      return session;
    }

    it('lists on the session page the materials its reader may have, trainer-only ones for trainers', async () => {
      const w = await world();
      const handout = await addResource(w, w.module, { title: 'Participant handout' });
      await addResource(w, w.module, { title: 'Facilitator guide', audience: 'trainers' });
      const session = await deliver(w, [w.staff]);
      const staffPage = await (await signIn(app, w.staff.email!)).get(`/sessions/${session.id as string}`).expect(200);
      expectNoMissingTranslations(staffPage.text);
      expect(staffPage.text).to.include('Participant handout');
      expect(staffPage.text).not.to.include('Facilitator guide');
      expect(links(staffPage.text)).to.include(`/resources/${handout}/download`);
      const trainerPage = await (await signIn(app, w.trainer.email!)).get(`/sessions/${session.id as string}`);
      expect(trainerPage.text).to.include('Facilitator guide');
    });

    it("keeps an archived module's materials for those who took or taught it, and for nobody else", async () => {
      const w = await world();
      const handout = await addResource(w, w.module, { title: 'Participant handout' });
      const guide = await addResource(w, w.module, { title: 'Facilitator guide', audience: 'trainers' });
      await deliver(w, [w.staff]);
      const neighbour = await buildUser({
        roles: ['staff'],
        institution: await Institution.findById(w.staff.institution).orFail(),
      });
      const otherTrainer = await buildUser({ roles: ['trainer'], institution: null });
      await TrainingModule.updateOne({ _id: w.module._id }, { $set: { status: 'archived' } });

      const participant = await signIn(app, w.staff.email!);
      expect((await download(participant, `/resources/${handout}/download`)).status).to.equal(200);
      expect((await participant.get(`/resources/${guide}/download`)).status).to.equal(404);
      const taught = await signIn(app, w.trainer.email!);
      expect((await download(taught, `/resources/${guide}/download`)).status).to.equal(200);
      for (const stranger of [neighbour, otherTrainer]) {
        const agent = await signIn(app, stranger.email!);
        expect((await agent.get(`/resources/${handout}/download`)).status).to.equal(404);
        expect((await agent.get(`/resources/${handout}`)).status).to.equal(404);
      }
      const listed = await listResourcesForModule(await actorOf(w.staff), w.module);
      expect(listed.map((r) => r.title)).to.deep.equal(['Participant handout']);
    });
  });

  describe('uploads:cleanup', () => {
    it('finds orphans both ways and old temporary files; --delete removes files only', async () => {
      const w = await world();
      const kept = await addResource(w, w.module, { name: 'kept.pdf' });
      const lost = await addResource(w, w.module, { name: 'lost.pdf' });
      const lostVersion = await ResourceVersion.findOne({ resource: lost }).orFail();
      await storage.remove(lostVersion.storageKey);
      const tmp = uploadPaths(uploadsDir).tmp;
      const orphanPath = path.join(tmp, 'orphan');
      await writeFile(orphanPath, 'no record points here');
      const orphanKey = await storage.put(orphanPath);
      await writeFile(path.join(tmp, 'abandoned.part'), 'half an upload');
      await writeFile(path.join(tmp, 'fresh.part'), 'an upload going on now');
      const hourAndABitAgo = new Date(Date.now() - 61 * 60_000);
      await utimes(path.join(uploadsDir, 'files', orphanKey), hourAndABitAgo, hourAndABitAgo);
      await utimes(path.join(tmp, 'abandoned.part'), hourAndABitAgo, hourAndABitAgo);
      await Resource.deleteOne({ _id: kept }); // its version stays: a version of nothing

      const report = await findOrphans(storage, tmp);
      expect(report.orphanFiles.map((f) => f.key)).to.deep.equal([orphanKey]);
      expect(report.missingFiles.map((v) => v.originalName)).to.deep.equal(['lost.pdf']);
      expect(report.versionsWithoutResource.map((v) => v.originalName)).to.deep.equal(['kept.pdf']);
      expect(report.staleTempFiles.map((f) => f.key)).to.deep.equal(['abandoned.part']);

      const removed = await removeOrphans(storage, tmp, report);
      expect(removed).to.deep.equal({ files: 1, tempFiles: 1 });
      const keptVersion = await ResourceVersion.findOne({ resource: kept }).orFail();
      expect((await filesOnDisk()).sort()).to.deep.equal([`files/${keptVersion.storageKey}`, 'tmp/fresh.part'].sort());
      expect(await ResourceVersion.countDocuments()).to.equal(2); // records are only reported
    });

    it('leaves alone what is younger than an hour: an upload may be finishing', async () => {
      const tmp = uploadPaths(uploadsDir).tmp;
      await mkdir(tmp, { recursive: true });
      await writeFile(path.join(tmp, 'new'), 'x');
      await storage.put(path.join(tmp, 'new'));
      await writeFile(path.join(tmp, 'going.part'), 'y');
      const report = await findOrphans(storage, tmp);
      expect(report.orphanFiles).to.deep.equal([]);
      expect(report.staleTempFiles).to.deep.equal([]);
      expect(
        (await findOrphans(storage, tmp, { graceMs: 0, now: new Date(Date.now() + 1000) })).orphanFiles,
      ).to.have.length(1);
    });
  });
});

/** Signs in with plain HTTP requests and returns the session cookie. */
async function signInOver(base: string, email: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody({ _csrf: csrfFrom(await page.text()), email, password: DEFAULT_PASSWORD }),
  });
  // express-session holds back the last byte until the session is saved: wait for it
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Waits (up to 5 s) until the condition holds. */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
