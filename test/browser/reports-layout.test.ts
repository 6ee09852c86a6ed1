import { expect } from 'chai';
import { Curriculum } from '../../src/curricula/curriculum.model.ts';
import { buildRecord } from '../support/completion-records.ts';
import { DEFAULT_PASSWORD } from '../support/factories.ts';
import { buildWorld } from '../support/world.ts';
import {
  accessibilityViolations,
  keep,
  overflow,
  requireChromium,
  signInAs,
  startHarness,
  type BrowserHarness,
} from './browser.ts';

// The reports page and the completion export's form at 1280 px and on a 390 px phone, in
// English and in Arabic: nothing wider than the screen, the column documentation stacked on a
// phone, no serious accessibility fault; a date refused is shown beside its field. SCREENSHOTS=
// <folder> keeps a PNG of each page, for looking at.

describe('reports in a browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  for (const language of ['en', 'ar'] as const) {
    it(`fit 1280 px and 390 px in ${language === 'ar' ? 'Arabic' : 'English'}, and show a refused date beside its field`, async () => {
      const w = await buildWorld({
        countries: { ug: { code: 'UG', name: 'Uganda' } },
        institutions: {
          academy: { country: 'ug', name: 'Uganda Prisons Staff Training School, Luzira', code: 'ACADEMY' },
        },
        people: {
          coordinator: { roles: ['coordinator'], at: 'academy', language },
          officer: { roles: ['staff'], at: 'academy', fullName: 'محمد بن علي', gender: 'male', rank: 'Chief Warder' },
        },
        modules: {
          pve: { status: 'published', code: 'PCVE-101', title: 'Preventing violent extremism in prisons', hours: 12 },
        },
      });
      const { academy } = w.institutions;
      await buildRecord(
        w.people.officer,
        w.modules.pve,
        { _id: academy._id, name: academy.name, country: academy.country },
        {
          startedOn: '2026-03-02',
          gender: 'male',
          pre: 45,
          post: 80,
        },
      );
      const curriculum = await Curriculum.create({
        code: 'PCVE',
        title: 'منهج الوقاية من التطرف العنيف',
        status: 'published',
        items: [{ module: w.modules.pve._id, required: true }],
      });
      const page = await harness.newPage();
      await signInAs(page, harness.baseUrl, w.people.coordinator.email!, DEFAULT_PASSWORD);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, path] of [
          ['reports', '/reports'],
          ['completions-export', '/reports/completions'],
          ['donor', '/reports/donor?from=2026-01-01'],
          ['dashboard', `/reports/dashboard?from=2026-01&to=2026-12&curriculum=${curriculum.id as string}`],
          ['person', `/people/${w.people.officer.id as string}`], // leaves an event for the log
          ['audit', '/reports/audit'],
          ['completions-export-refused', '/reports/completions/export?format=csv&from=2026-13-01'],
        ] as const) {
          await page.goto(harness.baseUrl + path);
          expect(await page.locator('html').getAttribute('dir')).to.equal(language === 'ar' ? 'rtl' : 'ltr');
          expect(await overflow(page), `${path} at ${width} px is wider than the screen by`).to.equal(0);
          expect(await accessibilityViolations(page), path).to.deep.equal([]);
          await keep(page, `${name}-${width}-${language}`);
        }
        expect(await page.locator('#from-error').isVisible()).to.equal(true);
        expect(await page.locator('#from').getAttribute('aria-invalid')).to.equal('true');

        // the staff import: its form, then the preview of a file with a refused row
        await page.goto(`${harness.baseUrl}/people/import`);
        await page.locator('#file').setInputFiles({
          name: 'staff.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(
            'service_number,full_name,institution,gender\nUG-77,محمد بن علي الطرابلسي,ACADEMY,male\nUG-78,No Such Place,NOPE,\n',
          ),
        });
        expect(await overflow(page), `the import form at ${width} px is wider than the screen by`).to.equal(0);
        await keep(page, `import-${width}-${language}`);
        await Promise.all([
          page.waitForURL(/\/people\/import\/[0-9a-f]{24}$/),
          page.locator('form[enctype] button[type=submit]').click(),
        ]);
        expect(await page.locator('tr.outcome-refused').count()).to.equal(1);
        expect(await overflow(page), `the import preview at ${width} px is wider than the screen by`).to.equal(0);
        expect(await accessibilityViolations(page), 'the import preview').to.deep.equal([]);
        await keep(page, `import-preview-${width}-${language}`);
      }
      await page.context().close();
    });
  }
});
