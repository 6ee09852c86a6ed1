import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import request from 'supertest';
import { totalsOf } from '../src/transcripts/learning-rules.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildRecord } from './support/completion-records.ts';
import { signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';
import { expectLabelledControls, expectNoMissingTranslations, links, visibleText } from './page-helpers.ts';

// A person's transcript (issue 13, item 6): every record that stands, newest training first,
// with its status; the hours of learning done added up (valid, expired and superseded
// completions; not revoked ones, not the ones not completed); a PDF in the person's language
// with names in their own script; the person, admins and coordinators of their institution may
// read it, trainers and colleagues may not (403), anyone out of sight is told nothing (404).

const run = promisify(execFile);
const bidiMarks = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const YEAR_AGO = new Date(Date.now() - 365 * 86_400_000);
const IN_TWO_YEARS = new Date(Date.now() + 2 * 365 * 86_400_000);

async function world() {
  const w = await buildWorld({
    countries: { kz: { timeZone: 'Asia/Almaty' }, tn: { timeZone: 'Africa/Tunis' } },
    institutions: {
      academy: { country: 'kz', name: 'Almaty Academy', timeZone: 'Asia/Almaty' },
      partner: { country: 'kz', name: 'Karaganda Colony' },
      elsewhere: { country: 'kz' },
      tunis: { country: 'tn', name: 'أكاديمية السجون', timeZone: 'Africa/Tunis' },
    },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'academy', scope: ['partner'] },
      otherCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
      trainer: { roles: ['trainer'], at: 'academy' },
      aigerim: {
        roles: ['staff'],
        at: 'academy',
        fullName: 'Айгерим Сапарова',
        serviceNumber: 'KZ-1002',
        language: 'ru',
      },
      colleague: { roles: ['staff'], at: 'academy' },
      partnerStaff: { roles: ['staff'], at: 'partner', fullName: 'Amina Nakato' },
      mohamed: {
        roles: ['staff'],
        at: 'tunis',
        fullName: 'محمد بن علي الطرابلسي',
        serviceNumber: 'TN/77-31',
        language: 'ar',
      },
    },
    modules: {
      pcve: {
        owner: 'academy',
        status: 'published',
        code: 'PCVE-01',
        title: 'Preventing violent extremism',
        hours: 15,
      },
      rights: { owner: 'academy', status: 'published', code: 'HR-02', title: 'Human rights in custody', hours: 6 },
      intro: { owner: 'academy', status: 'published', code: 'INT-01', title: 'Introduction to the service', hours: 4 },
      old: { owner: 'academy', status: 'published', code: 'OLD-01', title: 'Retired practice', hours: 8 },
    },
  });
  const issuer = w.institutions.academy;
  const { pcve, rights, intro, old } = w.modules;
  const aigerim = w.people.aigerim;
  // a mix of every status: learning done is 15 + 6 + 4 + 4 = 29 hours in 4 completions
  await buildRecord(aigerim, pcve, issuer, {
    startedOn: '2026-03-02',
    endedOn: '2026-03-04',
    certificateNumber: 'KZ-2026-000001',
    expiresAt: IN_TWO_YEARS,
    moduleTitles: [{ language: 'ru', title: 'Предупреждение насильственного экстремизма' }],
  });
  await buildRecord(aigerim, rights, issuer, {
    startedOn: '2023-05-10',
    endedOn: '2023-05-11',
    certificateNumber: 'KZ-2023-000007',
    expiresAt: YEAR_AGO,
  });
  await buildRecord(aigerim, intro, issuer, {
    startedOn: '2022-01-10',
    status: 'superseded',
    certificateNumber: 'KZ-2022-000003',
  });
  await buildRecord(aigerim, intro, issuer, { startedOn: '2024-02-01', certificateNumber: 'KZ-2024-000011' });
  await buildRecord(aigerim, old, issuer, {
    startedOn: '2025-06-01',
    status: 'revoked',
    certificateNumber: 'KZ-2025-000002',
  });
  await buildRecord(aigerim, pcve, issuer, { startedOn: '2025-01-15', endedOn: '2025-01-17', result: 'not_completed' });
  // a session reopened for correction: its record says nothing until it is closed again
  await buildRecord(aigerim, rights, issuer, { startedOn: '2026-04-01', status: 'withdrawn', hours: 10 });
  await buildRecord(w.people.partnerStaff, pcve, issuer, {
    startedOn: '2026-03-02',
    certificateNumber: 'KZ-2026-000002',
  });
  await buildRecord(w.people.mohamed, pcve, w.institutions.tunis, {
    startedOn: '2026-02-09',
    endedOn: '2026-02-11',
    certificateNumber: 'TN-2026-000001',
    moduleTitles: [{ language: 'ar', title: 'الوقاية من التطرف العنيف' }],
  });
  return w;
}
type World = Awaited<ReturnType<typeof world>>;
type Role = keyof World['people'];

/** The transcript table's rows as text, in order. */
const rowsOf = (html: string) =>
  [...html.matchAll(/<tr class="record-[^"]*"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => visibleText(m[1]!));

function bytes(agent: Agent | ReturnType<typeof request>, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

describe('transcripts', function () {
  this.timeout(60_000);
  let app: Express;
  let w: World;
  let t: TFunction;
  let scratch: string;
  const agents = new Map<string, Agent>();
  const as = async (role: Role) => {
    const key = `${role}:${w.people[role].id as string}`;
    if (!agents.has(key)) agents.set(key, await signIn(app, w.people[role].email!));
    return agents.get(key)!;
  };
  const transcriptOf = (role: Role) => `/people/${w.people[role].id as string}/transcript`;

  async function pdfText(pdf: Buffer): Promise<string> {
    const file = path.join(scratch, `transcript-${Date.now()}-${Math.random()}.pdf`);
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    return stdout.replace(bidiMarks, '');
  }

  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cadre-transcripts-'));
  });
  after(() => rm(scratch, { recursive: true, force: true }));
  beforeEach(async () => {
    agents.clear();
    w = await world();
  });

  describe('the page', () => {
    it('lists every standing record newest first, with dates, hours, result, status and certificate number', async () => {
      const res = await (await as('coordinator')).get(transcriptOf('aigerim'));
      expect(res.status).to.equal(200);
      const rows = rowsOf(res.text);
      expect(rows).to.have.length(6);
      expect(rows[0]).to.match(
        /^PCVE-01 Preventing violent extremism Almaty Academy 2 Mar 2026 – 4 Mar 2026 15 Completed Valid until .+ KZ-2026-000001$/,
      );
      expect(rows[1]).to.match(/^OLD-01 Retired practice .* 1 Jun 2025 8 Completed Revoked KZ-2025-000002$/);
      expect(rows[2]).to.match(/^PCVE-01 .* 15 Jan 2025 – 17 Jan 2025 15 Not completed — —$/);
      expect(rows[3]).to.match(/^INT-01 .* 1 Feb 2024 4 Completed Valid KZ-2024-000011$/);
      expect(rows[4]).to.match(/^HR-02 .* 10 May 2023 – 11 May 2023 6 Completed Expired on .+ KZ-2023-000007$/);
      expect(rows[5]).to.match(/^INT-01 .* 10 Jan 2022 4 Completed Superseded KZ-2022-000003$/);
      // the withdrawn record (a session reopened) is not there
      expect(res.text).not.to.include('1 Apr 2026');
      // each row opens its record; a certificate number downloads the certificate, unless revoked
      const ids = [...res.text.matchAll(/data-record="([0-9a-f]{24})"/g)].map((m) => m[1]!);
      for (const id of ids) expect(res.text).to.include(`href="/completions/${id}"`);
      expect(res.text).to.include(`href="/completions/${ids[0]}/certificate.pdf"`);
      expect(res.text).not.to.include(`href="/completions/${ids[1]}/certificate.pdf"`);
      expectNoMissingTranslations(res.text);
      expectLabelledControls(res.text);
    });

    it('adds up the hours of learning done: valid, expired and superseded completions, not revoked ones nor those not completed', async () => {
      const res = await (await as('aigerim')).get('/my-transcript');
      const text = visibleText(res.text);
      const facts = /Hours of training completed (\S+) Modules completed (\S+) Records (\S+)/u.exec(
        visibleText((await (await as('admin')).get(transcriptOf('aigerim'))).text),
      );
      expect(facts?.slice(1)).to.deep.equal(['29', '4', '6']);
      // the person's own page, in their language (Russian)
      expect(text).to.include('Часов обучения пройдено 29');
      expect(text).to.include('Предупреждение насильственного экстремизма');
    });

    it('filters by status and by year, the totals following the filter; a hand-edited filter is ignored', async () => {
      const admin = await as('admin');
      const revoked = await admin.get(`${transcriptOf('aigerim')}?status=revoked`);
      expect(rowsOf(revoked.text)).to.have.length(1);
      expect(visibleText(revoked.text)).to.match(/Hours of training completed 0 Modules completed 0 Records 1/);
      const year = await admin.get(`${transcriptOf('aigerim')}?year=2025`);
      expect(rowsOf(year.text).map((r) => r.slice(0, 7))).to.deep.equal(['OLD-01 ', 'PCVE-01']);
      expect(visibleText(year.text)).to.match(/Hours of training completed 0 Modules completed 0 Records 2/);
      const superseded = await admin.get(`${transcriptOf('aigerim')}?status=superseded&year=2022`);
      expect(visibleText(superseded.text)).to.match(/Hours of training completed 4 Modules completed 1 Records 1/);
      const none = await admin.get(`${transcriptOf('aigerim')}?year=2019`);
      expect(visibleText(none.text)).to.include(t('transcripts:emptyFiltered'));
      for (const query of ['status=bogus&year=20x6', 'status=%7B%22%24gt%22%3A%22%22%7D', 'year=2025&year=2026']) {
        const res = await admin.get(`${transcriptOf('aigerim')}?${query}`);
        expect(res.status, query).to.equal(200);
        expect(rowsOf(res.text), query).to.have.length(6);
      }
    });

    it('is reached from My training and from the person page, with the totals and progress on the person page', async () => {
      const mine = await (await as('aigerim')).get('/my-training');
      expect(links(mine.text)).to.include('/my-transcript');
      const person = await (await as('coordinator')).get(`/people/${w.people.aigerim.id as string}`);
      expect(person.status).to.equal(200);
      expect(links(person.text)).to.include(transcriptOf('aigerim'));
      expect(visibleText(person.text)).to.include(
        t('transcripts:panel.totals', { hours: '29', completed: 4, records: 6 }),
      );
      expectNoMissingTranslations(person.text);
    });

    it('says so when a person has no record yet', async () => {
      const res = await (await as('colleague')).get('/my-transcript');
      expect(res.status).to.equal(200);
      expect(rowsOf(res.text)).to.deep.equal([]);
      expect(visibleText(res.text)).to.include(t('transcripts:empty'));
    });
  });

  describe('who may read it', () => {
    // every route of a person's transcript, for every role (decision 0009)
    const routes = (w: World, person: Role) => [
      `/people/${w.people[person].id as string}/transcript`,
      `/people/${w.people[person].id as string}/transcript.pdf`,
    ];
    const expected: Record<Role, number> = {
      admin: 200,
      coordinator: 200,
      otherCoordinator: 404,
      trainer: 403,
      aigerim: 200,
      colleague: 403,
      partnerStaff: 404,
      mohamed: 404,
    };

    for (const [role, status] of Object.entries(expected) as [Role, number][]) {
      it(`answers ${status} to ${role} for a staff member of the academy`, async () => {
        const agent = await as(role);
        for (const url of routes(w, 'aigerim')) {
          const res = await bytes(agent, url);
          expect(res.status, `${role} ${url}`).to.equal(status);
        }
      });
    }

    it('shows a coordinator the people of institutions in their scope, and no one else', async () => {
      const coordinator = await as('coordinator');
      for (const url of routes(w, 'partnerStaff')) expect((await bytes(coordinator, url)).status, url).to.equal(200);
      for (const url of routes(w, 'mohamed')) expect((await bytes(coordinator, url)).status, url).to.equal(404);
    });

    it('lets staff fetch only their own: /my-transcript is theirs whatever they ask', async () => {
      const colleague = await as('colleague');
      const own = await colleague.get('/my-transcript');
      expect(visibleText(own.text)).not.to.include('PCVE-01');
      expect((await colleague.get(transcriptOf('aigerim'))).status).to.equal(403);
      expect((await colleague.get(`${transcriptOf('aigerim')}.pdf`)).status).to.equal(403);
    });

    it('answers 404 to a malformed or unknown id, and sends anyone signed out to sign in', async () => {
      const admin = await as('admin');
      for (const id of ['nope', '0123456789abcdef01234567', '{"$gt":""}']) {
        expect((await admin.get(`/people/${encodeURIComponent(id)}/transcript`)).status, id).to.equal(404);
        expect((await admin.get(`/people/${encodeURIComponent(id)}/transcript.pdf`)).status, id).to.equal(404);
      }
      for (const url of ['/my-transcript', '/my-transcript.pdf', ...routes(w, 'aigerim')]) {
        const res = await request(app).get(url);
        expect(res.status, url).to.equal(303);
        expect(res.headers.location).to.equal('/login');
      }
    });
  });

  describe('the PDF', () => {
    it('is in the person’s language, with their name in Cyrillic, the records, totals and the date printed', async () => {
      const res = await bytes(await as('coordinator'), `${transcriptOf('aigerim')}.pdf`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      expect(res.headers['content-disposition']).to.match(/^inline; filename="?transcript-KZ-1002\.pdf"?$/);
      const text = await pdfText(res.body as Buffer);
      expect(text).to.include('Выписка об обучении');
      expect(text).to.include('Айгерим Сапарова');
      expect(text).to.include('Табельный номер: KZ-1002');
      expect(text).to.include('Учреждение: Almaty Academy');
      expect(text).to.include('Часов обучения пройдено: 29 · Модулей пройдено: 4 · Записей: 6');
      expect(text).to.include('Предупреждение насильственного экстремизма');
      for (const number of ['KZ-2026-000001', 'KZ-2025-000002', 'KZ-2024-000011', 'KZ-2023-000007', 'KZ-2022-000003'])
        expect(text).to.include(number);
      expect(text).to.include('Отозван').and.include('Заменён более поздним').and.include('Не пройден');
      expect(text).to.include('Дата печати:');
      expect(text).to.include('Страница 1 из 1');
    });

    it('is in the language chosen (?lang=), and a language that is none of ours gives the person’s', async () => {
      const coordinator = await as('coordinator');
      const english = await pdfText(
        (await bytes(coordinator, `${transcriptOf('aigerim')}.pdf?lang=en`)).body as Buffer,
      );
      expect(english).to.include('Transcript of training');
      expect(english).to.include('Айгерим Сапарова');
      expect(english).to.include('Hours of training completed: 29 · Modules completed: 4 · Records: 6');
      expect(english).to.include('Preventing violent extremism');
      expect(english).to.include('Page 1 of 1');
      const fallback = await pdfText(
        (await bytes(coordinator, `${transcriptOf('aigerim')}.pdf?lang=xx`)).body as Buffer,
      );
      expect(fallback).to.include('Выписка об обучении');
    });

    it('is in Arabic, right to left, with the Arabic name joined and in reading order', async () => {
      const res = await bytes(await as('mohamed'), '/my-transcript.pdf');
      expect(res.status).to.equal(200);
      expect(res.headers['content-disposition']).to.match(/filename="?transcript-TN-77-31\.pdf"?$/);
      const text = await pdfText(res.body as Buffer);
      expect(text).to.include('سجل التدريب');
      expect(text).to.include('محمد بن علي الطرابلسي');
      expect(text).to.include('الوقاية من التطرف العنيف');
      expect(text).to.include('TN-2026-000001');
      expect(text).to.include('TN/77-31');
      expect(text.split('\n').find((line) => line.includes('الصفحة')))
        .to.match(/الصفحة.*من|من.*الصفحة/)
        .and.match(/\b1\b/);
      // and in English for the administrator who asks, the name still in its own script
      const english = await pdfText(
        (await bytes(await as('admin'), `${transcriptOf('mohamed')}.pdf?lang=en`)).body as Buffer,
      );
      expect(english).to.include('محمد بن علي الطرابلسي');
      expect(english).to.include('Preventing violent extremism');
      expect(english).to.include('Hours of training completed: 15');
    });

    it('runs over pages when there are many records, each page numbered with the person named', async () => {
      for (let i = 0; i < 40; i++) {
        await buildRecord(w.people.colleague, w.modules.intro, w.institutions.academy, {
          startedOn: `2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
          certificateNumber: `KZ-2020-${String(i + 1).padStart(6, '0')}`,
        });
      }
      const res = await bytes(await as('colleague'), '/my-transcript.pdf?lang=en');
      const pages = (await pdfText(res.body as Buffer)).split('\f').filter((p) => p.trim());
      expect(pages.length).to.equal(2);
      pages.forEach((page, i) => expect(page).to.include(`Page ${i + 1} of 2`));
      expect(pages[1]).to.include(`Transcript of training – ${w.people.colleague.fullName}`);
      const all = pages.join('\n');
      for (let i = 1; i <= 40; i++) expect(all).to.include(`KZ-2020-${String(i).padStart(6, '0')}`);
    });
  });

  describe('totals', () => {
    it('count completed records that are valid, expired or superseded, and add their hours to a tenth', () => {
      const id = { toHexString: () => 'm' };
      const record = (
        result: 'completed' | 'not_completed',
        status: 'valid' | 'expired' | 'revoked' | 'superseded',
        hours: number,
      ) => ({
        module: id,
        result,
        status,
        hours,
        endedOn: '2026-01-01',
        issuedAt: new Date(),
      });
      expect(
        totalsOf([
          record('completed', 'valid', 0.1),
          record('completed', 'expired', 0.2),
          record('completed', 'superseded', 1.5),
          record('completed', 'revoked', 100),
          record('not_completed', 'valid', 50),
          record('not_completed', 'revoked', 7),
        ]),
      ).to.deep.equal({ records: 6, completed: 3, hours: 1.8 });
      expect(totalsOf([])).to.deep.equal({ records: 0, completed: 0, hours: 0 });
    });
  });
});
