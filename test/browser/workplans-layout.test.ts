import { expect } from 'chai';
import { DEFAULT_PASSWORD } from '../support/factories.ts';
import { post, signIn } from '../support/http.ts';
import { buildApp } from '../support/context.ts';
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

// A workplan's page and the workplans list at 1280 px and 390 px, in English and Arabic: no
// sideways scroll and no serious accessibility fault. SCREENSHOTS=<folder> keeps a PNG of each.

describe('workplans in a browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  for (const language of ['en', 'ar'] as const) {
    it(`fit 1280 px and 390 px in ${language === 'ar' ? 'Arabic' : 'English'}`, async () => {
      const w = await buildWorld({
        countries: { tn: { code: 'TN', name: 'Tunisia' } },
        institutions: { tunis: { country: 'tn', name: 'École nationale des agents pénitentiaires de Tunis' } },
        people: { admin: { roles: ['admin'], at: null, language } },
      });
      // the workplan is made through the pages, as an administrator does
      const agent = await signIn(await buildApp(), w.people.admin.email!);
      const created = await post(agent, '/reports/workplans', {
        title: 'خطة العمل القُطرية 2026',
        country: w.countries.tn.id as string,
        year: '2026',
      });
      const path = created.headers.location!;
      await post(agent, `${path}/activities`, {
        title: 'Steering committee of the country workplan',
        quarter: 'Q2',
        kind: 'sessionsDelivered',
        count: '12',
        womenShare: '',
        curriculum: '',
        module: '',
      });
      const page = await harness.newPage();
      await signInAs(page, harness.baseUrl, w.people.admin.email!, DEFAULT_PASSWORD);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, url] of [
          ['workplans', '/reports/workplans'],
          ['workplan', path],
        ] as const) {
          await page.goto(harness.baseUrl + url);
          expect(await overflow(page), `${url} at ${width} px is wider than the screen by`).to.equal(0);
          expect(await accessibilityViolations(page), url).to.deep.equal([]);
          await keep(page, `${name}-${width}-${language}`);
        }
      }
      await page.context().close();
    });
  }
});
