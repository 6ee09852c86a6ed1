import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Express } from 'express';
import request from 'supertest';
import { Curriculum } from '../src/curricula/curriculum.model.ts';
import { buildRecord } from './support/completion-records.ts';
import { buildUser } from './support/factories.ts';
import { auditEvents } from './support/audit.ts';
import { buildApp } from './support/context.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// The completion records' export (issue 14, decision 0019): every filter, the actor's scope,
// both formats read back by another library than the writer, the injection guard, and the audit.

let app: Express;

/** Uganda with two prisons, Kazakhstan with one; a coordinator of the academy only. */
async function world() {
  const w = await buildWorld({
    countries: { uganda: { code: 'UG', name: 'Uganda' }, kazakhstan: { code: 'KZ', name: 'Kazakhstan' } },
    institutions: {
      academy: { country: 'uganda', name: 'Uganda Prisons Academy', code: 'UPA' },
      luzira: { country: 'uganda', name: 'Luzira Prison', code: 'LUZ' },
      almaty: { country: 'kazakhstan', name: 'Almaty Training Centre', code: 'ATC' },
    },
    people: {
      admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
      coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
      trainer: { roles: ['trainer'], at: 'academy', fullName: 'Tom Trainer' },
      amina: { roles: ['staff'], at: 'academy', fullName: 'Amina Okello', gender: 'female', rank: 'Sergeant' },
      brian: { roles: ['staff'], at: 'luzira', fullName: 'Brian Mugisha', gender: 'male', rank: 'Corporal' },
      dana: { roles: ['staff'], at: 'almaty', fullName: 'Dana Seitkali', gender: 'female', rank: 'Lieutenant' },
      evil: { roles: ['staff'], at: 'academy', fullName: '=HYPERLINK("http://x.example","click")', rank: '+1' },
    },
    modules: {
      pve1: { code: 'PVE-1', title: 'Understanding violent extremism', hours: 6 },
      pve2: { code: 'PVE-2', title: 'Signs of radicalisation', hours: 4 },
      human: { code: 'HR-1', title: 'Human rights in custody', hours: 8 },
    },
  });
  const { academy, luzira, almaty } = w.institutions;
  const { amina, brian, dana, evil } = w.people;
  const { pve1, pve2, human } = w.modules;
  const issuer = (i: typeof academy) => ({ _id: i._id, name: i.name, country: i.country });
  const records = {
    aminaPve1: await buildRecord(amina, pve1, issuer(academy), {
      startedOn: '2026-03-02',
      endedOn: '2026-03-03',
      gender: 'female',
      certificateNumber: 'UG-2026-000001',
      issuerCountryCode: 'UG',
      pre: 40,
      post: 80,
    }),
    aminaHuman: await buildRecord(amina, human, issuer(academy), {
      startedOn: '2025-11-10',
      gender: 'female',
      result: 'not_completed',
    }),
    brianPve2: await buildRecord(brian, pve2, issuer(luzira), {
      startedOn: '2026-05-04',
      gender: 'male',
      certificateNumber: 'UG-2026-000002',
    }),
    danaPve1: await buildRecord(dana, pve1, issuer(almaty), {
      startedOn: '2026-06-01',
      gender: 'female',
      certificateNumber: 'KZ-2026-000001',
      status: 'revoked',
    }),
    evilPve1: await buildRecord(evil, pve1, issuer(academy), { startedOn: '2026-07-01', gender: 'undisclosed' }),
  };
  const curriculum = await Curriculum.create({
    code: 'PVE',
    title: 'Preventing violent extremism',
    status: 'published',
    items: [
      { module: pve1._id, required: true },
      { module: pve2._id, required: true },
    ],
  });
  return { ...w.countries, ...w.institutions, ...w.people, ...w.modules, records, curriculum };
}

type W = Awaited<ReturnType<typeof world>>;

/** The CSV's rows as objects by header, read back by csv-parse (the writer is our own). */
async function csvRows(agent: Agent, query: string) {
  const res = await agent.get(`/reports/completions/export?format=csv&${query}`).buffer(true).expect(200);
  expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).to.match(
    /^attachment; filename=completion-records-\d{4}-\d{2}-\d{2}\.csv$/,
  );
  expect(res.text.startsWith('\uFEFF'), 'a byte-order mark for Excel').to.equal(true);
  expect(res.text.includes('\r\n'), 'CRLF line ends').to.equal(true);
  return parseCsv(res.text, { bom: true, columns: true }) as Record<string, string>[];
}

/** The XLSX export, read back by exceljs. */
const xlsxOf = (agent: Agent, query: string) => xlsxAt(agent, `/reports/completions/export?format=xlsx&${query}`);

/** An XLSX file the app sends at this address, read back by exceljs. */
async function xlsxAt(agent: Agent, url: string) {
  const res = await agent
    .get(url)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(res.body as ArrayBuffer);
  return book;
}

const names = (rows: Record<string, string>[]) => rows.map((r) => r.Name).sort();

describe('reports', () => {
  let w: W;
  let admin: Agent;

  before(async () => {
    app = await buildApp();
  });
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  describe('the completion records export', () => {
    it('exports every record for an admin, one row each, in the documented columns', async () => {
      const rows = await csvRows(admin, '');
      expect(names(rows)).to.deep.equal([
        '=HYPERLINK("http://x.example","click")'.replace(/^/, "'"),
        'Amina Okello',
        'Amina Okello',
        'Brian Mugisha',
        'Dana Seitkali',
      ]);
      const amina = rows.find((r) => r['Certificate number'] === 'UG-2026-000001')!;
      expect(amina).to.deep.include({
        Name: 'Amina Okello',
        Gender: 'Female',
        Rank: 'Sergeant',
        Institution: 'Uganda Prisons Academy',
        'Module code': 'PVE-1',
        Module: 'Understanding violent extremism',
        Hours: '6',
        Started: '2026-03-02',
        Ended: '2026-03-03',
        'Pre-test': '40',
        'Post-test': '80',
        Result: 'Completed',
        Status: 'Valid',
        Issued: '2026-03-03',
        Expires: '',
        Issuer: 'Uganda Prisons Academy',
        'Issuing country': 'UG',
      });
      expect(rows.find((r) => r.Name === 'Dana Seitkali')!.Status).to.equal('Revoked');
    });

    it('makes cells that a spreadsheet would run as formulas inert', async () => {
      const rows = await csvRows(admin, `institution=${w.academy.id}`);
      const evil = rows.find((r) => r.Name?.includes('HYPERLINK'))!;
      expect(evil.Name).to.equal('\'=HYPERLINK("http://x.example","click")');
      expect(evil.Rank).to.equal("'+1");
    });

    it('keeps what each filter asks for', async () => {
      expect(names(await csvRows(admin, 'from=2026-03-01&to=2026-05-04'))).to.deep.equal([
        'Amina Okello',
        'Brian Mugisha',
      ]);
      expect(names(await csvRows(admin, `country=${w.kazakhstan.id}`))).to.deep.equal(['Dana Seitkali']);
      expect(names(await csvRows(admin, `institution=${w.luzira.id}`))).to.deep.equal(['Brian Mugisha']);
      expect(names(await csvRows(admin, `module=${w.human.id}`))).to.deep.equal(['Amina Okello']);
      expect(names(await csvRows(admin, `curriculum=${w.curriculum.id}&status=valid`))).to.deep.equal([
        '\'=HYPERLINK("http://x.example","click")',
        'Amina Okello',
        'Brian Mugisha',
      ]);
      expect(names(await csvRows(admin, `curriculum=${w.curriculum.id}&module=${w.human.id}`))).to.deep.equal([]);
      expect(names(await csvRows(admin, 'result=not_completed'))).to.deep.equal(['Amina Okello']);
      expect(names(await csvRows(admin, 'status=revoked'))).to.deep.equal(['Dana Seitkali']);
      expect(names(await csvRows(admin, 'gender=male'))).to.deep.equal(['Brian Mugisha']);
      expect(names(await csvRows(admin, 'gender=female&rank=sergeant'))).to.deep.equal([
        'Amina Okello',
        'Amina Okello',
      ]);
      expect(names(await csvRows(admin, `country=${w.uganda.id}&institution=${w.almaty.id}`))).to.deep.equal([]);
    });

    it("gives a coordinator their scope's records only, whatever they ask for", async () => {
      const coordinator = await signIn(app, w.coordinator.email!);
      const own = names(await csvRows(coordinator, ''));
      expect(own).to.have.length(3);
      expect(own.filter((n) => n === 'Amina Okello')).to.have.length(2);
      expect(names(await csvRows(coordinator, `institution=${w.luzira.id}`))).to.deep.equal([]);
      expect(names(await csvRows(coordinator, `country=${w.kazakhstan.id}`))).to.deep.equal([]);
    });

    it('refuses staff and trainers, and asks anonymous visitors to sign in', async () => {
      for (const who of [w.amina, w.trainer]) {
        const agent = await signIn(app, who.email!);
        await agent.get('/reports').expect(403);
        await agent.get('/reports/completions').expect(403);
        await agent.get('/reports/completions/export?format=csv').expect(403);
      }
      const anonymous = await request(app).get('/reports/completions/export?format=csv');
      expect(anonymous.status).to.equal(303);
      expect(await auditEvents()).to.deep.equal([]);
    });

    it('refuses a day that does not exist or a period backwards, beside the field, keeping what was typed', async () => {
      const res = await admin.get('/reports/completions/export?format=csv&from=2026-02-30&to=2026-01-01&rank=Sergeant');
      expect(res.status).to.equal(400);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.text).to.include('id="from-error"');
      expect(res.text).to.include('Enter a date as YYYY-MM-DD.');
      expect(res.text).to.include('value="Sergeant"');
      const backwards = await admin.get('/reports/completions/export?format=csv&from=2026-05-01&to=2026-01-01');
      expect(backwards.status).to.equal(400);
      expect(backwards.text).to.include('id="to-error"');
      expect(await auditEvents()).to.deep.equal([]);
    });

    it('answers 404 for a curriculum the actor may not see', async () => {
      const hidden = await Curriculum.create({ code: 'DRAFT', title: 'Draft', institution: w.luzira._id, items: [] });
      const coordinator = await signIn(app, w.coordinator.email!);
      await coordinator.get(`/reports/completions/export?format=csv&curriculum=${hidden.id}`).expect(404);
    });

    it('writes XLSX that another library reads back: the same rows, a header, right to left in Arabic', async () => {
      const csv = await csvRows(admin, '');
      const book = await xlsxOf(admin, '');
      const sheet = book.worksheets[0]!;
      const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
      expect(values(1)).to.deep.equal(Object.keys(csv[0]!));
      expect(sheet.rowCount).to.equal(csv.length + 1);
      const rows = Array.from({ length: csv.length }, (_, i) => values(i + 2));
      const amina = rows.find((r) => r[0] === 'UG-2026-000001')!;
      expect(amina.slice(0, 9)).to.deep.equal([
        'UG-2026-000001',
        'Amina Okello',
        undefined, // no service number: an empty cell
        'Female',
        'Sergeant',
        'Uganda Prisons Academy',
        'PVE-1',
        'Understanding violent extremism',
        6, // a number, not text
      ]);
      // an inline string is never a formula: kept as it was
      expect(rows.some((r) => r[1] === '=HYPERLINK("http://x.example","click")')).to.equal(true);
      expect(sheet.views[0]?.rightToLeft ?? false).to.equal(false);

      const arabic = await buildUser({ roles: ['admin'], institution: null, language: 'ar' });
      const arabicBook = await xlsxOf(await signIn(app, arabic.email!), `institution=${w.luzira.id}`);
      const arabicSheet = arabicBook.worksheets[0]!;
      expect(arabicSheet.views[0]?.rightToLeft).to.equal(true);
      expect((arabicSheet.getRow(1).values as unknown[]).slice(1, 3)).to.deep.equal(['رقم الشهادة', 'الاسم']);
      expect(arabicSheet.rowCount).to.equal(2);
    });

    it('records every export in the audit log: who, when, from where, which filters, how many rows', async () => {
      await csvRows(admin, `gender=female&from=2026-01-01`);
      const [event] = await auditEvents();
      expect(event).to.deep.include({ action: 'export.completions', actorName: 'Ada Admin', rows: 2 });
      expect(event!.actor?.toHexString()).to.equal(w.admin.id);
      expect(event!.address).to.match(/127\.0\.0\.1/);
      expect(event!.details).to.deep.equal({ format: 'csv', filters: { gender: 'female', from: '2026-01-01' } });
      expect(Date.now() - event!.at.getTime()).to.be.lessThan(60_000);
    });
  });

  describe('the donor report', () => {
    /** The cells of the table under the heading with this id, a row each, as text. */
    function table(html: string, id: string): string[][] {
      const section = html.split(`id="${id}"`)[1]?.split('</table>')[0] ?? '';
      const body = section.split('<tbody>')[1] ?? '';
      return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
        [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) =>
          cell[1]!
            .replace(/<[^>]+>/g, '')
            .replace(/\s+/g, ' ')
            .trim(),
        ),
      );
    }

    it('shows staff trained by institution, module and rank, by gender with hours, for the period', async () => {
      const res = await admin.get('/reports/donor?from=2026-01-01&to=2026-12-31').expect(200);
      // Dana's record is revoked; Amina's human rights record ended in 2025; evil has no rank given
      expect(table(res.text, 'trained')).to.deep.equal([
        [
          'Luzira Prison',
          'PVE-2 · Signs of radicalisation',
          'Corporal',
          ...['0', '1', '0', '0', '1'],
          ...['0', '4', '0', '0', '4'],
        ],
        [
          'Uganda Prisons Academy',
          'PVE-1 · Understanding violent extremism',
          '+1',
          ...['0', '0', '0', '1', '1'],
          ...['0', '0', '0', '6', '6'],
        ],
        [
          'Uganda Prisons Academy',
          'PVE-1 · Understanding violent extremism',
          'Sergeant',
          ...['1', '0', '0', '0', '1'],
          ...['6', '0', '0', '0', '6'],
        ],
      ]);
      expect(table(res.text, 'gains')).to.deep.equal([
        [
          'Uganda Prisons Academy',
          'PVE-1 · Understanding violent extremism',
          '1',
          '40',
          '80',
          ...['40', '—', '—', '—', '40'],
        ],
      ]);
      expect(res.text).to.include('Choose a curriculum');
    });

    it('with a curriculum: its modules only, and the coverage of each institution’s active staff', async () => {
      const res = await admin.get(`/reports/donor?curriculum=${w.curriculum.id}`).expect(200);
      expect(table(res.text, 'trained').map((r) => r[1])).to.deep.equal([
        'PVE-2 · Signs of radicalisation',
        'PVE-1 · Understanding violent extremism',
        'PVE-1 · Understanding violent extremism',
      ]);
      // nobody has both PVE modules: no one is covered; the academy's staff are Amina and evil
      expect(table(res.text, 'coverage')).to.deep.equal([
        ['Almaty Training Centre', '0 %', '0 of 1', '0 of 0', '0 of 0', '0 of 0', '0 of 1'],
        ['Luzira Prison', '0 %', '0 of 0', '0 of 1', '0 of 0', '0 of 0', '0 of 1'],
        ['Uganda Prisons Academy', '0 %', '0 of 1', '0 of 0', '0 of 0', '0 of 1', '0 of 2'],
      ]);
    });

    it('counts a person covered once they have every required module, valid', async () => {
      const issuer = { _id: w.academy._id, name: w.academy.name, country: w.academy.country };
      await buildRecord(w.amina, w.pve2, issuer, { startedOn: '2026-08-01', gender: 'female' });
      const coordinator = await signIn(app, w.coordinator.email!);
      const res = await coordinator.get(`/reports/donor?curriculum=${w.curriculum.id}`).expect(200);
      expect(table(res.text, 'coverage')).to.deep.equal([
        ['Uganda Prisons Academy', '50 %', '1 of 1', '0 of 0', '0 of 0', '0 of 1', '1 of 2'],
      ]);
    });

    it("keeps to the coordinator's scope, and downloads the first table as a file, audited", async () => {
      const coordinator = await signIn(app, w.coordinator.email!);
      const page = await coordinator.get('/reports/donor').expect(200);
      // the academy's records only; Amina's human rights record was not completed: given, not trained
      expect(table(page.text, 'trained').map((r) => [r[0], r[2]])).to.deep.equal([
        ['Uganda Prisons Academy', '+1'],
        ['Uganda Prisons Academy', 'Sergeant'],
      ]);
      expect(table(page.text, 'rates').map((r) => [r[1], r[6]])).to.deep.equal([
        ['HR-1 · Human rights in custody', '0 % (0 of 1)'],
        ['PVE-1 · Understanding violent extremism', '100 % (2 of 2)'],
      ]);
      const res = await coordinator.get('/reports/donor?format=csv&from=2026-01-01').buffer(true).expect(200);
      const rows = parseCsv(res.text, { bom: true, columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r.Rank, r['People: Female'], r['Hours: Total']])).to.deep.equal([
        ["'+1", '0', '6'],
        ['Sergeant', '1', '6'],
      ]);
      const [event] = await auditEvents('export.donorReport');
      expect(event).to.deep.include({ actorName: 'Cora Coordinator', rows: 2 });
    });

    it('gives its XLSX a sheet for each table and for each workplan the period covers', async () => {
      const workplan = async (title: string, country: string, year: string) => {
        const created = await post(admin, '/reports/workplans', { title, country, year });
        const path = created.headers.location!;
        const added = await post(admin, `${path}/activities`, {
          womenShare: '',
          curriculum: '',
          title: 'PVE-1 for two',
          quarter: 'Q4',
          kind: 'moduleCompleted',
          module: w.pve1.id as string,
          count: '2',
        });
        expect(added.status).to.equal(303);
      };
      await workplan('Uganda country workplan', w.uganda.id as string, '2026');
      await workplan('Uganda, last year', w.uganda.id as string, '2025');
      await workplan('Kazakhstan country workplan', w.kazakhstan.id as string, '2026');
      const book = await xlsxAt(
        admin,
        `/reports/donor?format=xlsx&curriculum=${w.curriculum.id}&country=${w.uganda.id}&from=2026-01-01&to=2026-12-31`,
      );
      expect(book.worksheets.map((sheet) => sheet.name)).to.deep.equal([
        book.worksheets[0]!.name,
        'Completion rate',
        'Knowledge gain',
        'Coverage',
        '2026 Uganda country work',
      ]);
      const values = (name: string) =>
        book
          .getWorksheet(name)!
          .getSheetValues()
          .slice(1)
          .map((row) => (row as unknown[]).slice(1));
      expect(values('Coverage')[0]).to.deep.equal([
        'Institution',
        'Share %',
        ...['Female', 'Male', 'Other', 'Undisclosed', 'Total'].flatMap((g) => [`${g}: n`, `${g}: N`]),
      ]);
      const progress = values('2026 Uganda country work');
      expect(progress[0]![1]).to.equal('Activity');
      // Amina and evil completed PVE-1 at the academy in 2026: two of two
      expect(progress.slice(1).map((row) => [row[0], row[1], row[3], row[5], row[8]])).to.deep.equal([
        ['Q4', 'PVE-1 for two', 2, 2, 0],
      ]);
      const [event] = await auditEvents('export.donorReport');
      expect(event!.details).to.deep.include({ format: 'xlsx' });
    });

    it('refuses staff and trainers, and a period backwards beside its field', async () => {
      await (await signIn(app, w.amina.email!)).get('/reports/donor').expect(403);
      await (await signIn(app, w.trainer.email!)).get('/reports/donor').expect(403);
      const res = await admin.get('/reports/donor?from=2026-05-01&to=2026-01-01').expect(400);
      expect(res.text).to.include('id="to-error"');
    });
  });
});
