import { expect } from 'chai';
import { Curriculum } from '../../src/curricula/curriculum.model.ts';
import { buildRecord } from '../support/completion-records.ts';
import { DEFAULT_PASSWORD } from '../support/factories.ts';
import { buildWorld } from '../support/world.ts';
import { accessibilityViolations, requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';

// The transcript page, the person page's learning panel, a curriculum's progress for its reader
// and for a coordinator in a real browser: at 1280 px and on a
// 390 px phone, in English and in Arabic, nothing scrolls sideways and axe finds no serious
// violation. TRANSCRIPT_SCREENSHOTS=dir keeps a picture of each for a person to look at.

/** what the page's own script sees; the suite's TypeScript has no DOM library */
type PageGlobals = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };

describe('transcript pages in a browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness;
  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(() => harness?.close());

  async function world(language: 'en' | 'ar') {
    const w = await buildWorld({
      countries: { tn: { code: 'TN' } },
      institutions: { academy: { country: 'tn', name: 'الأكاديمية الوطنية لإطارات وأعوان السجون والإصلاح' } },
      people: {
        coordinator: { roles: ['coordinator'], at: 'academy', language },
        person: {
          roles: ['staff'],
          at: 'academy',
          fullName: 'محمد بن علي الطرابلسي',
          serviceNumber: 'TN-2019-004417',
          language,
        },
      },
      modules: {
        pcve: {
          owner: 'academy',
          status: 'published',
          code: 'PCVE-01',
          title: 'Preventing and countering violent extremism in prisons',
          hours: 15,
        },
        rights: {
          owner: 'academy',
          status: 'published',
          code: 'HR-02',
          title: 'حقوق الإنسان في أماكن الاحتجاز (قواعد نيلسون مانديلا)',
          hours: 6,
        },
        risk: {
          owner: 'academy',
          status: 'published',
          code: 'RISK-03',
          title: 'Risk assessment of violent extremist prisoners',
          hours: 12,
        },
      },
    });
    const { pcve, rights, risk } = w.modules;
    const academy = w.institutions.academy;
    const curriculum = await Curriculum.create({
      code: 'BASIC-TN',
      title: 'Basic training curriculum of the Prison Academy',
      status: 'published',
      institution: academy._id,
      country: academy.country,
      items: [
        { module: pcve._id, required: true },
        { module: rights._id, required: true },
        { module: risk._id, required: false },
      ],
    });
    const person = w.people.person;
    await buildRecord(person, pcve, academy, {
      startedOn: '2026-03-02',
      endedOn: '2026-03-04',
      certificateNumber: 'TN-2026-000123',
      expiresAt: new Date('2028-03-04'),
    });
    await buildRecord(person, rights, academy, {
      startedOn: '2023-05-10',
      endedOn: '2023-05-11',
      expiresAt: new Date('2025-05-11'),
      certificateNumber: 'TN-2023-000007',
    });
    await buildRecord(person, risk, academy, {
      startedOn: '2025-01-15',
      endedOn: '2025-01-17',
      result: 'not_completed',
    });
    await buildRecord(person, pcve, academy, {
      startedOn: '2022-01-10',
      status: 'superseded',
      certificateNumber: 'TN-2022-000003',
    });
    return { ...w, curriculum };
  }

  for (const language of ['en', 'ar'] as const) {
    it(`fits 1280 px and 390 px without sideways scroll, in ${language}`, async () => {
      const w = await world(language);
      const id = w.people.person.id as string;
      const curriculum = `/curricula/${w.curriculum.id as string}`;
      // each page with what must be on it
      const pages = [
        { who: w.people.coordinator, name: 'person', url: `/people/${id}`, rows: '.progress-items tbody tr' },
        {
          who: w.people.coordinator,
          name: 'transcript',
          url: `/people/${id}/transcript`,
          rows: '.transcript tbody tr',
        },
        {
          who: w.people.coordinator,
          name: 'people-progress',
          url: `${curriculum}/progress`,
          rows: '.people-progress tbody tr',
        },
        { who: w.people.person, name: 'my-transcript', url: '/my-transcript', rows: '.progress-items tbody tr' },
        { who: w.people.person, name: 'curriculum', url: curriculum, rows: '.curriculum-items tbody tr' },
      ];
      for (const who of [w.people.coordinator, w.people.person]) {
        const page = await harness.newPage();
        await signInAs(page, harness.baseUrl, who.email!, DEFAULT_PASSWORD);
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: 900 });
          for (const { name, url, rows } of pages.filter((p) => p.who === who)) {
            await page.goto(harness.baseUrl + url);
            expect(await page.locator(rows).count(), url).to.be.at.least(1);
            const overflow = await page.evaluate(() => {
              const { document, innerWidth } = globalThis as unknown as PageGlobals;
              return document.documentElement.scrollWidth - innerWidth;
            });
            expect(overflow, `${url} at ${width}`).to.be.at.most(0);
            expect(await accessibilityViolations(page), url).to.deep.equal([]);
            const dir = process.env.TRANSCRIPT_SCREENSHOTS;
            if (dir) await page.screenshot({ path: `${dir}/${language}-${width}-${name}.png`, fullPage: true });
          }
        }
        await page.context().close();
      }
    });
  }
});
