import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Express } from 'express';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { PaperConfirmation } from '../src/sign-in-sheets/paper-confirmation.model.ts';
import { PaperScan } from '../src/sign-in-sheets/paper-scan.model.ts';
import { sheetCodes } from '../src/sign-in-sheets/sheet-codes.ts';
import { paperOfSession } from '../src/sign-in-sheets/sheets.service.ts';
import { buildApp } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import * as files from './support/files.ts';
import { csrfFrom, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// Printed sign-in sheets and the paper that comes back (issue 12, items 2 and 3): the PDF's text
// and QR code read back as a person and a phone would (pdftotext, pdftoppm + jsQR), the upload of
// the signed sheet checked as materials are, the coordinator's confirmation, and who may do what.

const run = promisify(execFile);
// jsqr is CommonJS: its default import is the function itself (its types say `default`)
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;
const LIMIT = 200 * 1024;
const SECRET = 'test-secret-test-secret-test-secret-0123'; // the test app's session secret
const bidiMarks = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

async function pdfText(pdf: Buffer, dir: string): Promise<string> {
  const file = path.join(dir, `sheet-${Date.now()}-${Math.random()}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  return stdout.replace(bidiMarks, '');
}

/** The QR code of the sheet's first page, as a phone's camera would read it. */
async function qrOf(pdf: Buffer, dir: string): Promise<string | undefined> {
  const file = path.join(dir, `qr-${Date.now()}.pdf`);
  await writeFile(file, pdf);
  await run('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', file, path.join(dir, 'qr')]);
  const png = (await readdir(dir)).find((f) => f.startsWith('qr') && f.endsWith('.png'))!;
  const image = PNG.sync.read(await readFile(path.join(dir, png)));
  await rm(path.join(dir, png));
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

/** A response with its body as bytes, whatever its type. */
function bytes(agent: Agent, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

async function world() {
  const w = await buildWorld({
    countries: { kz: { timeZone: 'Asia/Almaty' }, tn: { timeZone: 'Africa/Tunis' } },
    institutions: {
      academy: { country: 'kz', name: 'Prison Staff Training Centre', timeZone: 'Asia/Almaty' },
      partner: { country: 'kz', name: 'Karaganda Colony' },
      elsewhere: { country: 'kz' },
      tunis: { country: 'tn', name: 'أكاديمية السجون', timeZone: 'Africa/Tunis' },
    },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'academy', scope: ['partner'] },
      otherCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
      trainer: { roles: ['trainer'], at: 'academy', fullName: 'Sarah Okello' },
      otherTrainer: { roles: ['trainer'], at: 'academy' },
      staff: { roles: ['staff'], at: 'academy' },
      foreign: { roles: ['staff'], at: 'tunis' },
      latin: { roles: ['staff'], at: 'academy', fullName: 'Amina Nakato', serviceNumber: 'KZ-1001' },
      cyrillic: { roles: ['staff'], at: 'partner', fullName: 'Айгерим Сапарова', serviceNumber: 'KZ-1002' },
      arabic: { roles: ['staff'], at: 'academy', fullName: 'محمد بن علي الطرابلسي', serviceNumber: 'KZ-1003' },
    },
    modules: {
      pcve: { owner: 'academy', status: 'published', code: 'PCVE-01', title: 'Preventing violent extremism' },
    },
    sessions: {
      main: {
        at: 'academy',
        module: 'pcve',
        trainers: ['trainer'],
        timeZone: 'Asia/Almaty',
        room: 'Room 3',
        language: 'ru',
        days: [
          { date: '2030-03-04', start: '09:00', end: '17:00' },
          { date: '2030-03-05', start: '09:00', end: '13:00' },
        ],
      },
      other: { at: 'academy', module: 'pcve', trainers: ['otherTrainer'] },
    },
  });
  let seat = 0;
  for (const person of [w.people.latin, w.people.cyrillic, w.people.arabic]) {
    await Enrolment.create({
      session: w.sessions.main._id,
      person: person._id,
      state: 'enrolled',
      seat: ++seat,
      source: 'coordinator',
    });
  }
  return w;
}
type World = Awaited<ReturnType<typeof world>>;

describe('sign-in sheets and the paper that comes back', function () {
  this.timeout(60_000);
  let uploadsDir: string;
  let scratch: string;
  let app: Express;
  let w: World;
  const agents = new Map<string, Agent>();
  const as = async (role: keyof World['people']) => {
    const key = `${role}:${w.people[role].id as string}`;
    if (!agents.has(key)) agents.set(key, await signIn(app, w.people[role].email!));
    return agents.get(key)!;
  };
  const day = '2030-03-04';
  const base = () => `/sessions/${w.sessions.main.id as string}/days/${day}`;

  before(async () => {
    uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cadre-sheets-'));
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cadre-sheets-pdf-'));
    app = await buildApp({ config: { uploadsDir, uploadMaxBytes: LIMIT } });
  });
  beforeEach(async () => {
    await rm(path.join(uploadsDir, 'paper'), { recursive: true, force: true });
    agents.clear();
    w = await world();
  });
  after(async () => {
    await rm(uploadsDir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  const getPdf = bytes;

  async function upload(agent: Agent, url: string, parts: files.Part[]) {
    const page = await agent.get(`${base()}/paper`);
    const token = csrfFrom(page.text);
    const { body, contentType } = files.multipart({}, parts);
    return agent
      .post(`${url}?_csrf=${encodeURIComponent(token)}`)
      .set('Content-Type', contentType)
      .send(body);
  }

  async function post(agent: Agent, url: string) {
    const page = await agent.get(`${base()}/paper`);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
  }

  describe('the PDF', () => {
    it('lists each participant in their own script with service number and institution, in the session language, page 1 of 1', async () => {
      const res = await getPdf(await as('trainer'), `${base()}/sign-in-sheet.pdf`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      const text = await pdfText(res.body as Buffer, scratch);
      for (const name of ['Amina Nakato', 'Айгерим Сапарова', 'محمد بن علي الطرابلسي']) expect(text).to.include(name);
      for (const number of ['KZ-1001', 'KZ-1002', 'KZ-1003']) expect(text).to.include(number);
      expect(text).to.include('Karaganda Colony');
      // Russian labels, whoever prints it: the session's language
      expect(text).to.include('Лист регистрации');
      expect(text).to.include('Страница 1 из 1');
      expect(text).to.include('Preventing violent extremism (PCVE-01)');
      expect(text).to.include('Room 3');
      expect(text).to.include('Sarah Okello');
      expect(text).to.match(/09:00–17:00 \(Asia\/Almaty\)/);
    });

    it('carries a QR code that a phone reads as the absolute address of the day’s upload page', async () => {
      const res = await getPdf(await as('coordinator'), `${base()}/sign-in-sheet.pdf`);
      const url = await qrOf(res.body as Buffer, scratch);
      // no PUBLIC_URL in tests: the address the sheet was printed from
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/sheets\/[A-Za-z0-9_-]{22}$/);
      expect(url).not.to.include(w.sessions.main.id as string);
      expect(sheetCodes(SECRET).decode(url!.split('/').pop()!)).to.deep.equal({
        sessionId: w.sessions.main.id as string,
        date: day,
      });
      // and the other day's sheet has another code
      const second = await getPdf(
        await as('coordinator'),
        `/sessions/${w.sessions.main.id as string}/days/2030-03-05/sign-in-sheet.pdf`,
      );
      expect(await qrOf(second.body as Buffer, scratch)).to.not.equal(url);
    });

    it('runs over several pages when there are more participants than rows, each page numbered with the header again', async () => {
      for (let i = 0; i < 60; i++) {
        const person = await buildUser({
          fullName: `Participant ${i}`,
          serviceNumber: `KZ-2${String(i).padStart(3, '0')}`,
          roles: ['staff'],
        });
        await Enrolment.create({
          session: w.sessions.main._id,
          person: person._id,
          state: 'enrolled',
          seat: 10 + i,
          source: 'coordinator',
        });
      }
      for (const paper of ['a4', 'letter']) {
        const res = await getPdf(await as('admin'), `${base()}/sign-in-sheet.pdf?paper=${paper}`);
        const pages = (await pdfText(res.body as Buffer, scratch)).split('\f').filter((p) => p.trim());
        expect(pages.length, paper).to.equal(3);
        pages.forEach((page, i) => {
          expect(page).to.include(`Страница ${i + 1} из 3`);
          expect(page).to.include('Лист регистрации');
          expect(page).to.include('PCVE-01');
        });
        const all = pages.join('\n');
        expect(all).to.include('Participant 59').and.include('KZ-2059');
      }
    });

    it('is A4 unless Letter is asked for', async () => {
      const sizes: Record<string, string> = {};
      for (const paper of ['', '?paper=letter', '?paper=legal']) {
        const res = await getPdf(await as('trainer'), `${base()}/sign-in-sheet.pdf${paper}`);
        const file = path.join(scratch, 'size.pdf');
        await writeFile(file, res.body as Buffer);
        sizes[paper] = /Page size:\s+([\d.]+ x [\d.]+)/.exec((await run('pdfinfo', [file])).stdout)![1]!;
      }
      expect(sizes['']).to.equal('595.28 x 841.89');
      expect(sizes['?paper=letter']).to.equal('612 x 792');
      expect(sizes['?paper=legal']).to.equal('595.28 x 841.89');
    });

    it('is in Arabic, right to left, for an Arabic session', async () => {
      await w.sessions.main.updateOne({ language: 'ar' });
      const res = await getPdf(await as('trainer'), `${base()}/sign-in-sheet.pdf`);
      const text = await pdfText(res.body as Buffer, scratch);
      expect(text).to.include('ورقة الحضور');
      // the page number's place among the Arabic words is the reader's business (poppler moves it)
      expect(text.split('\n').find((line) => line.includes('الصفحة')))
        .to.match(/الصفحة.*من|من.*الصفحة/)
        .and.match(/\b1\b/);
      expect(text).to.include('محمد بن علي الطرابلسي');
      expect(text).to.include('Amina Nakato');
    });
  });

  describe('the paper page and its scans', () => {
    it('takes a PDF, a JPEG and a PNG as the day’s scans, lists them and sends each back as an attachment of its exact type', async () => {
      const trainer = await as('trainer');
      const res = await upload(trainer, `${base()}/paper`, [
        { field: 'files', name: 'page1.pdf', content: files.pdf('signed') },
        { field: 'files', name: 'page2.jpg', content: files.jpeg() },
        { field: 'files', name: 'page3.png', content: files.png() },
      ]);
      expect(res.status, res.text).to.equal(303);
      expect(res.headers.location).to.equal(`${base()}/paper`);
      const page = await trainer.get(`${base()}/paper`);
      expect(page.text).to.include('3 scans were uploaded.');
      for (const name of ['page1.pdf', 'page2.jpg', 'page3.png']) expect(page.text).to.include(name);
      const types = ['application/pdf', 'image/jpeg', 'image/png'];
      for (const [i, type] of types.entries()) {
        const file = await bytes(trainer, `${base()}/paper/scans/${i + 1}`);
        expect(file.status).to.equal(200);
        expect(file.headers['content-type']).to.equal(type);
        expect(file.headers['content-disposition']).to.match(/^attachment/);
        expect(file.headers['x-content-type-options']).to.equal('nosniff');
      }
      expect(await PaperScan.countDocuments({ session: w.sessions.main._id, date: day })).to.equal(3);
      const paper = await paperOfSession(w.sessions.main.id as string);
      expect(paper.get(day)?.scans.count).to.equal(3);
      expect(paper.get(day)?.scans.latest?.number).to.equal(3);
      expect(paper.get(day)?.confirmed).to.equal(undefined);
      expect(paper.has('2030-03-05')).to.equal(false);
    });

    it('refuses, by content, a file that is not a PDF or an image, and keeps nothing of the upload', async () => {
      const trainer = await as('trainer');
      const disguised = await upload(trainer, `${base()}/paper`, [
        { field: 'files', name: 'sheet.pdf', content: files.html() },
      ]);
      expect(disguised.status).to.equal(422);
      expect(disguised.text).to.include('aria-invalid="true"');
      // an allowed material but no scan: a Word document
      const word = await upload(trainer, `${base()}/paper`, [
        { field: 'files', name: 'ok.png', content: files.png() },
        { field: 'files', name: 'sheet.docx', content: files.office('docx') },
      ]);
      expect(word.status).to.equal(422);
      expect(word.text).to.include('is not a PDF, JPEG or PNG file');
      expect(await PaperScan.countDocuments({})).to.equal(0);
      expect(await readdir(path.join(uploadsDir, 'paper', 'files')).catch(() => [])).to.deep.equal([]);
    });

    it('refuses a file over the upload limit with 413', async () => {
      const res = await upload(await as('trainer'), `${base()}/paper`, [
        { field: 'files', name: 'big.pdf', content: Buffer.concat([files.pdf(), Buffer.alloc(LIMIT + 10, 32)]) },
      ]);
      expect(res.status).to.equal(413);
      expect(await PaperScan.countDocuments({})).to.equal(0);
    });

    it('answers 404 for a day the session does not have, on every route', async () => {
      const trainer = await as('trainer');
      const other = `/sessions/${w.sessions.main.id as string}/days/2030-03-06`;
      expect((await trainer.get(`${other}/paper`)).status).to.equal(404);
      expect((await trainer.get(`${other}/sign-in-sheet.pdf`)).status).to.equal(404);
      expect((await trainer.get(`/sessions/${w.sessions.main.id as string}/days/not-a-date/paper`)).status).to.equal(
        404,
      );
      const res = await upload(trainer, `${other}/paper`, [{ field: 'files', name: 'a.png', content: files.png() }]);
      expect(res.status).to.equal(404);
      expect(await PaperScan.countDocuments({})).to.equal(0);
      expect((await trainer.get(`${base()}/paper/scans/1`)).status).to.equal(404);
    });
  });

  describe('confirmed from paper', () => {
    it('needs a scan first, is a coordinator’s, shows who and when, can be undone, and paperOfSession says so', async () => {
      const coordinator = await as('coordinator');
      const early = await post(coordinator, `${base()}/paper/confirm`);
      expect(early.status).to.equal(303);
      expect((await coordinator.get(`${base()}/paper`)).text).to.include('Upload the signed sheet before confirming');
      expect(await PaperConfirmation.countDocuments({})).to.equal(0);

      await upload(await as('trainer'), `${base()}/paper`, [{ field: 'files', name: 'a.png', content: files.png() }]);
      // the trainer uploads; only someone else vouches for it
      expect((await post(await as('trainer'), `${base()}/paper/confirm`)).status).to.equal(403);
      expect((await as('trainer').then((a) => a.get(`${base()}/paper`))).text).not.to.include('/paper/confirm"');

      expect((await post(coordinator, `${base()}/paper/confirm`)).status).to.equal(303);
      const page = await coordinator.get(`${base()}/paper`);
      expect(page.text).to.include(`Confirmed from paper by ${w.people.coordinator.fullName}`);
      expect((await post(coordinator, `${base()}/paper/confirm`)).status).to.equal(303);
      expect(await PaperConfirmation.countDocuments({})).to.equal(1);
      const paper = await paperOfSession(w.sessions.main._id);
      expect(paper.get(day)?.confirmed?.by).to.equal(w.people.coordinator.id);
      expect(paper.get(day)?.confirmed?.byName).to.equal(w.people.coordinator.fullName);

      expect((await post(await as('trainer'), `${base()}/paper/unconfirm`)).status).to.equal(403);
      expect((await post(await as('admin'), `${base()}/paper/unconfirm`)).status).to.equal(303);
      expect(await PaperConfirmation.countDocuments({})).to.equal(0);
      expect((await paperOfSession(w.sessions.main._id)).get(day)?.confirmed).to.equal(undefined);
    });
  });

  describe('the QR code’s address', () => {
    const code = () => sheetCodes(SECRET).encode(w.sessions.main.id as string, day);

    it('takes a signed-in trainer of the session straight to the day’s upload page', async () => {
      const res = await (await as('trainer')).get(`/sheets/${code()}`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`${base()}/paper`);
    });

    it('sends someone not signed in through sign-in and back', async () => {
      const { default: request } = await import('supertest');
      const agent = request.agent(app);
      const first = await agent.get(`/sheets/${code()}`).set('Accept', 'text/html');
      expect(first.status).to.equal(303);
      expect(first.headers.location).to.equal('/login');
      const login = await agent.get('/login');
      const signedIn = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(login.text), email: w.people.trainer.email, password: 'correct horse battery staple' });
      expect(signedIn.headers.location).to.equal(`/sheets/${code()}`);
      expect((await agent.get(signedIn.headers.location as string)).headers.location).to.equal(`${base()}/paper`);
    });

    it('is 404 to anyone signed in who may not upload, and for a made-up or another server’s code', async () => {
      for (const role of ['otherTrainer', 'otherCoordinator', 'staff'] as const) {
        expect((await (await as(role)).get(`/sheets/${code()}`)).status, role).to.equal(404);
      }
      const trainer = await as('trainer');
      expect((await trainer.get(`/sheets/${'A'.repeat(22)}`)).status).to.equal(404);
      expect((await trainer.get('/sheets/short')).status).to.equal(404);
      const foreign = sheetCodes('another-secret-another-secret-another-1').encode(w.sessions.main.id as string, day);
      expect((await trainer.get(`/sheets/${foreign}`)).status).to.equal(404);
      // a code of a day the session no longer has
      const moved = sheetCodes(SECRET).encode(w.sessions.main.id as string, '2030-03-09');
      expect((await trainer.get(`/sheets/${moved}`)).status).to.equal(404);
    });
  });

  describe('who may do what', () => {
    // GET sheet, GET paper, GET scan, POST upload, POST confirm; a trainer of another session of
    // the academy and a coordinator out of scope see the (open) session: 403; someone abroad: 404
    // GET sheet, GET paper, GET scan, POST upload, POST confirm
    const expected = {
      admin: [200, 200, 200, 303, 303],
      coordinator: [200, 200, 200, 303, 303],
      trainer: [200, 200, 200, 303, 403],
      otherTrainer: [403, 403, 403, 403, 403],
      foreign: [404, 404, 404, 404, 404],
      otherCoordinator: [403, 403, 403, 403, 403],
      staff: [403, 403, 403, 403, 403],
    } as const;
    for (const [role, statuses] of Object.entries(expected) as [keyof typeof expected, readonly number[]][]) {
      it(`${role}: ${statuses.join(', ')}`, async () => {
        // a scan to read, uploaded straight into the database and storage by the session's trainer
        await upload(await as('trainer'), `${base()}/paper`, [{ field: 'files', name: 'a.png', content: files.png() }]);
        const agent = await as(role);
        const token = csrfFrom((await agent.get('/account')).text);
        const got = [
          (await agent.get(`${base()}/sign-in-sheet.pdf`)).status,
          (await agent.get(`${base()}/paper`)).status,
          (await agent.get(`${base()}/paper/scans/1`)).status,
          (
            await (() => {
              const { body, contentType } = files.multipart({}, [
                { field: 'files', name: 'b.png', content: files.png() },
              ]);
              return agent
                .post(`${base()}/paper?_csrf=${encodeURIComponent(token)}`)
                .set('Content-Type', contentType)
                .send(body);
            })()
          ).status,
          (await agent.post(`${base()}/paper/confirm`).type('form').send({ _csrf: token })).status,
        ];
        expect(got).to.deep.equal([...statuses]);
      });
    }

    it('shows the delivery days with their sheets to the session’s trainers and managers only', async () => {
      const link = `${base()}/sign-in-sheet.pdf`;
      for (const role of ['trainer', 'coordinator', 'admin'] as const) {
        expect((await (await as(role)).get(`/sessions/${w.sessions.main.id as string}`)).text, role).to.include(link);
      }
      for (const role of ['staff', 'otherCoordinator'] as const) {
        expect((await (await as(role)).get(`/sessions/${w.sessions.main.id as string}`)).text, role).not.to.include(
          link,
        );
      }
    });
  });
});
