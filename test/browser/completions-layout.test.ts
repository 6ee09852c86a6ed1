import { expect } from 'chai';
import { correctRecord } from '../../src/completions/record-changes.service.ts';
import { toActor } from '../../src/people/people.service.ts';
import { Person } from '../../src/people/person.model.ts';
import { buildRecord } from '../support/completions.ts';
import { DEFAULT_PASSWORD } from '../support/factories.ts';
import { buildWorld } from '../support/world.ts';
import { keep, overflow, requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';

// A completion record and its public verification page at phone width, in English and in
// Arabic: nothing wider than the screen, the long module title, the certificate number and
// the verification address wrapped or isolated in place. SCREENSHOTS=<folder> keeps a PNG of
// each page, for looking at.

const PHONE = { width: 390, height: 844 };

describe('completion records in a browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  async function world() {
    const w = await buildWorld({
      countries: { tn: { code: 'TN', name: 'Tunisia' } },
      institutions: {
        academy: {
          country: 'tn',
          name: 'École nationale des agents pénitentiaires de Tunis',
          timeZone: 'Africa/Tunis',
        },
      },
      people: {
        coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
        arabicCoordinator: { roles: ['coordinator'], at: 'academy', fullName: 'سلمى الحداد', language: 'ar' },
        participant: { roles: ['staff'], at: 'academy', fullName: 'محمد بن علي الطرابلسي', serviceNumber: 'TN-4471' },
      },
      modules: {
        pve: {
          status: 'published',
          owner: 'academy',
          code: 'PCVE-101',
          title: 'Use of Force and Dynamic Security in High-Risk Units',
          certificateValidityMonths: 24,
        },
      },
    });
    const record = await buildRecord({
      person: w.people.participant,
      module: w.modules.pve,
      institution: w.institutions.academy,
      country: w.countries.tn,
      fields: {
        nameAsIssued: 'محمد بن علي الطرابلسي',
        moduleCode: 'PCVE-101',
        moduleTitle: 'Use of Force and Dynamic Security in High-Risk Units',
        issuerName: 'École nationale des agents pénitentiaires de Tunis',
        issuerCountryName: 'Tunisia',
        manualReason: 'Trained in Tunis in 2025 before Cadre; the attendance list was scanned',
        expiresAt: new Date(Date.now() + 400 * 24 * 3_600_000),
      },
    });
    const coordinator = toActor(
      (await Person.findById(w.people.coordinator._id).lean().orFail()) as Parameters<typeof toActor>[0],
    );
    await correctRecord(coordinator, record.id as string, {
      nameAsIssued: 'محمد بن علي الطرابلسي',
      startedOn: '2026-03-02',
      endedOn: '2026-03-03',
      hours: 12,
      attendancePercent: 92.5,
      pre: 40,
      post: 85,
      result: 'completed',
      reason: 'The module ran for 12 hours; attendance was recounted from the signed sheet',
      revision: 1,
    });
    return { w, record };
  }

  for (const [who, language] of [
    ['coordinator', 'en'],
    ['arabicCoordinator', 'ar'],
  ] as const) {
    it(`at 390 px in ${language === 'ar' ? 'Arabic' : 'English'}, the record, the list, the forms and the verification page fit the screen`, async () => {
      const { w, record } = await world();
      const context = await harness.browser.newContext({ viewport: PHONE });
      const page = await context.newPage();
      await signInAs(page, harness.baseUrl, w.people[who].email!, DEFAULT_PASSWORD);
      for (const [name, path] of [
        ['record', `/completions/${record.id as string}`],
        ['list', '/completions'],
        ['correct', `/completions/${record.id as string}/correct`],
        ['new', '/completions/new'],
      ]) {
        await page.goto(harness.baseUrl + path!);
        expect(await page.locator('html').getAttribute('dir')).to.equal(language === 'ar' ? 'rtl' : 'ltr');
        expect(await overflow(page), `${path} is wider than the screen by`).to.equal(0);
        await keep(page, `${name}-${language}`);
      }
      await context.close();

      // a visitor with no account, in the language chosen on the site
      const visitor = await harness.browser.newContext({ viewport: PHONE });
      await visitor.addCookies([{ name: 'cadre.lang', value: language, url: harness.baseUrl }]);
      const anonymous = await visitor.newPage();
      for (const [name, code] of [
        ['verify', record.verifyCode],
        ['verify-unknown', 'AAAAAAAAAAAAAAAAAAAAAA'],
      ]) {
        await anonymous.goto(`${harness.baseUrl}/verify/${code}`);
        expect(await overflow(anonymous), `${name} is wider than the screen by`).to.equal(0);
        await keep(anonymous, `${name}-${language}`);
      }
      await visitor.close();
    });
  }
});
