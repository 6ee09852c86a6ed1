import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { CompletionRecord, CompletionRevision } from '../src/completions/completion-record.model.ts';
import { buildApp } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import * as files from './support/files.ts';
import { csrfFrom, signIn, type Agent } from './support/http.ts';
import { sessionsWorld, type World } from './support/sessions.ts';
import {
  expectLabelledControls,
  expectNoMissingTranslations,
  fieldError,
  inputValue,
  visibleText,
} from './page-helpers.ts';

// A completion entered by hand for training held elsewhere or earlier (issue 13, item 1): by
// an admin or a coordinator for an institution they act for, always with a reason and the
// evidence, which is checked by its content, stored privately and given back as an attachment
// to those who may read the record only.

const LIMIT = 64 * 1024;

describe('a completion entered by hand', () => {
  let app: Express;
  let uploadsDir: string;
  let w: World;
  let person: Awaited<ReturnType<typeof buildUser>>;
  const agents = new Map<string, Agent>();

  before(async () => {
    uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cadre-evidence-'));
    app = await buildApp({ config: { uploadsDir, uploadMaxBytes: LIMIT } });
  });
  after(() => rm(uploadsDir, { recursive: true, force: true }));

  beforeEach(async () => {
    agents.clear();
    await rm(path.join(uploadsDir, 'evidence'), { recursive: true, force: true });
    w = await sessionsWorld();
    person = await buildUser({
      roles: ['staff'],
      institution: w.almaty,
      fullName: 'Nurlan Elsewhere-Trained',
      serviceNumber: 'KZ-5150',
    });
  });

  type Role = 'admin' | 'coordinator' | 'outsideCoordinator' | 'trainer' | 'staff';
  async function as(role: Role | 'person'): Promise<Agent> {
    const email = role === 'person' ? person.email! : w.people[role].email!;
    if (!agents.has(role)) agents.set(role, await signIn(app, email));
    return agents.get(role)!;
  }

  const fields = (more: Record<string, string> = {}) => ({
    person: person.id as string,
    module: w.modules.pve.id as string,
    institution: w.almaty.id as string,
    startedOn: '2025-10-06',
    endedOn: '2025-10-08',
    hours: '',
    reason: 'Trained at the regional centre before Cadre; certificate scanned',
    ...more,
  });

  async function enter(agent: Agent, form: Record<string, string>, parts: files.Part[]) {
    const token = csrfFrom((await agent.get('/completions/new')).text);
    const { body, contentType } = files.multipart(form, parts);
    return agent
      .post(`/completions?_csrf=${encodeURIComponent(token)}`)
      .set('Content-Type', contentType)
      .send(body);
  }
  const scan = (content = files.pdf('Certificate'), name = 'certificate.pdf'): files.Part => ({
    field: 'evidence',
    name,
    content,
  });
  const stored = async () => (await readdir(path.join(uploadsDir, 'evidence', 'files')).catch(() => [])).length;

  it('offers the people found by name or service number, the modules and the institutions the coordinator acts for', async () => {
    const coordinator = await as('coordinator');
    const page = await coordinator.get('/completions/new?q=5150');
    expect(page.status).to.equal(200);
    expectNoMissingTranslations(page.text);
    expectLabelledControls(page.text);
    const text = visibleText(page.text);
    expect(text).to.include('Nurlan Elsewhere-Trained (KZ-5150)');
    expect(text).to.include('Understanding extremism');
    expect(text).not.to.include('Secret draft');
    expect(page.text).to.include(`value="${w.partner.id as string}"`);
    expect(page.text).not.to.include(`value="${w.elsewhere.id as string}"`);
    // someone of another country is not found
    await buildUser({ roles: ['staff'], institution: w.kampala, fullName: 'Nurlan Kampala' });
    expect(visibleText((await coordinator.get('/completions/new?q=nurlan')).text)).not.to.include('Nurlan Kampala');
  });

  it('records a completion with the evidence, numbered, with its reason in the first revision', async () => {
    const res = await enter(await as('coordinator'), fields(), [scan()]);
    expect(res.status).to.equal(303);
    const record = await CompletionRecord.findOne({ person: person._id }).orFail();
    expect(res.headers.location).to.equal(`/completions/${record.id as string}`);
    expect(record.source).to.equal('manual');
    expect(record.sourceKey).to.equal(`manual:${record.id as string}`);
    expect(record.result).to.equal('completed');
    expect(record.nameAsIssued).to.equal('Nurlan Elsewhere-Trained');
    expect(record.hours).to.equal(6); // the module's
    expect(record.issuerName).to.equal('Almaty Academy');
    expect(record.certificateNumber).to.match(/^KZ-\d{4}-000001$/);
    expect(record.evidence?.mimeType).to.equal('application/pdf');
    expect(record.manualReason).to.equal('Trained at the regional centre before Cadre; certificate scanned');
    const revisions = await CompletionRevision.find({ record: record._id }).lean();
    expect(revisions.map((r) => [r.action, r.reason])).to.deep.equal([
      ['issued', 'Trained at the regional centre before Cadre; certificate scanned'],
    ]);
    expect(await stored()).to.equal(1);
    const page = visibleText((await (await as('coordinator')).get(res.headers.location!)).text);
    expect(page).to.include('Entered by hand');
    expect(page).to.include('Download the evidence (certificate.pdf)');
  });

  it('gives the evidence back as an attachment to those who may read the record only', async () => {
    const res = await enter(await as('admin'), fields({ hours: '7.5' }), [scan(files.png(), 'list.png')]);
    expect(res.status).to.equal(303);
    const evidence = `${res.headers.location!}/evidence`;
    for (const role of ['admin', 'coordinator', 'person'] as const) {
      const file = await (await as(role)).get(evidence).buffer(true);
      expect(file.status, role).to.equal(200);
      expect(file.headers['content-type']).to.equal('image/png');
      expect(file.headers['content-disposition']).to.match(/^attachment/);
      expect(file.headers['x-content-type-options']).to.equal('nosniff');
      expect(Buffer.compare(file.body as Buffer, files.png())).to.equal(0);
    }
    for (const role of ['outsideCoordinator', 'trainer', 'staff'] as const) {
      expect((await (await as(role)).get(evidence)).status, role).to.equal(404);
    }
    expect((await request(app).get(evidence)).status).to.equal(303);
    expect((await CompletionRecord.findOne({ person: person._id }).orFail()).hours).to.equal(7.5);
  });

  it('needs a reason and sensible dates: the messages by the fields, the values kept, nothing stored', async () => {
    const coordinator = await as('coordinator');
    let res = await enter(coordinator, fields({ reason: '' }), [scan()]);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'reason')).to.equal('Give a reason.');
    expect(inputValue(res.text, 'startedOn')).to.equal('2025-10-06');
    expect(res.text).to.match(new RegExp(`<option value="${person.id as string}" selected>`));
    expect(visibleText(res.text)).to.include('Choose the file again');
    res = await enter(coordinator, fields({ startedOn: '2025-10-09' }), [scan()]);
    expect(fieldError(res.text, 'endedOn')).to.equal('The last day cannot be before the first day.');
    res = await enter(coordinator, fields({ endedOn: '2025-13-01', hours: 'many' }), [scan()]);
    expect(fieldError(res.text, 'endedOn')).to.equal('Enter a date such as 2026-03-02.');
    expect(fieldError(res.text, 'hours')).to.include('Enter the hours');
    expect(await CompletionRecord.countDocuments({ person: person._id })).to.equal(0);
    expect(await stored()).to.equal(0);
  });

  it('needs the evidence, a PDF or a photograph by its content, within the size limit', async () => {
    const coordinator = await as('coordinator');
    let res = await enter(coordinator, fields(), []);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'evidence')).to.equal('Attach the evidence: a PDF, JPEG or PNG file.');
    res = await enter(coordinator, fields(), [scan(files.windowsProgram(), 'certificate.pdf')]);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'evidence')).to.include('is a program, not a document');
    res = await enter(coordinator, fields(), [scan(files.png(), 'certificate.pdf')]);
    expect(fieldError(res.text, 'evidence')).to.include('is not what its extension (.pdf) says');
    res = await enter(coordinator, fields(), [scan(files.office('docx'), 'certificate.docx')]);
    expect(fieldError(res.text, 'evidence')).to.equal(
      '“certificate.docx” is not a PDF, JPEG or PNG file. Attach a scan or a photograph.',
    );
    res = await enter(coordinator, fields(), [scan(Buffer.concat([files.pdf(), Buffer.alloc(LIMIT)]))]);
    expect(res.status).to.equal(413);
    expect(fieldError(res.text, 'evidence')).to.match(/is larger than 64 kB/);
    expect(inputValue(res.text, 'endedOn')).to.equal('2025-10-08');
    expect(await CompletionRecord.countDocuments({ person: person._id })).to.equal(0);
    expect(await stored()).to.equal(0);
  });

  it('takes only a person, module and institution the coordinator may use', async () => {
    const foreign = await buildUser({ roles: ['staff'], institution: w.kampala, fullName: 'Far Away' });
    const res = await enter(
      await as('coordinator'),
      fields({
        person: foreign.id as string,
        module: w.modules.draft.id as string,
        institution: w.elsewhere.id as string,
      }),
      [scan()],
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'person')).to.equal('Choose the person from the list.');
    expect(fieldError(res.text, 'module')).to.equal('Choose a published module from the list.');
    expect(fieldError(res.text, 'institution')).to.equal('Choose an institution you act for.');
    expect(await stored()).to.equal(0);
  });

  it('is for admins and coordinators: trainers and staff are refused before anything is read', async () => {
    for (const role of ['trainer', 'staff'] as const) {
      const agent = await as(role);
      expect((await agent.get('/completions/new')).status, role).to.equal(403);
      const token = csrfFrom((await agent.get('/account')).text);
      const { body, contentType } = files.multipart(fields(), [scan()]);
      const res = await agent
        .post(`/completions?_csrf=${encodeURIComponent(token)}`)
        .set('Content-Type', contentType)
        .send(body);
      expect(res.status, role).to.equal(403);
    }
    expect(await stored()).to.equal(0);
    expect(await CompletionRecord.countDocuments({})).to.equal(0);
  });
});
