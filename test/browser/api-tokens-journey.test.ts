import { expect } from 'chai';
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

// A coordinator makes an API token in a browser, copies the secret shown once, uses it, and
// revokes it: at 1280 px and on a 390 px phone, in English and Arabic, no page scrolls sideways
// and axe finds no serious fault. SCREENSHOTS=<folder> keeps a PNG of each page.

describe('API tokens in a browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  async function fits(page: Awaited<ReturnType<BrowserHarness['newPage']>>, name: string) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await overflow(page), `${name} at ${width} px is wider than the screen by`).to.equal(0);
      expect(await accessibilityViolations(page), name).to.deep.equal([]);
      await keep(page, `${name}-${width}`);
    }
  }

  for (const language of ['en', 'ar'] as const) {
    it(`are made, used and revoked in ${language === 'ar' ? 'Arabic' : 'English'}`, async () => {
      const w = await buildWorld({
        countries: { tn: { code: 'TN', name: 'Tunisia' } },
        institutions: { tunis: { country: 'tn', name: 'École nationale des agents pénitentiaires de Tunis' } },
        people: { coordinator: { roles: ['coordinator'], at: 'tunis', language, fullName: 'Salma Ben Youssef' } },
      });
      const page = await harness.newPage();
      await signInAs(page, harness.baseUrl, w.people.coordinator.email!, DEFAULT_PASSWORD);
      await page.goto(`${harness.baseUrl}/account`);
      await page.click('a[href="/account/tokens"]');
      await fits(page, `tokens-empty-${language}`);

      await page.fill('#name', language === 'ar' ? 'مزامنة الموارد البشرية في الوزارة' : 'Ministry HR sync');
      await page.check('input[name="scopes"][value="read:people"]');
      await page.check('input[name="scopes"][value="read:completions"]');
      await page.selectOption('#days', '30');
      await page.click('form[action="/account/tokens"] button[type="submit"]');
      const secret = (await page.textContent('#token-secret'))!.trim();
      expect(secret).to.match(/^cadre_/);
      await fits(page, `token-made-${language}`);

      // the secret works, once copied out of the page
      const me = await fetch(`${harness.baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(me.status).to.equal(200);
      expect(((await me.json()) as { person: { full_name: string } }).person.full_name).to.equal('Salma Ben Youssef');

      await page.goto(`${harness.baseUrl}/account/tokens`);
      expect(await page.content()).not.to.include(secret);
      await fits(page, `tokens-${language}`);
      await page.click('table.tokens a[href$="/revoke"]');
      await fits(page, `token-revoke-${language}`);
      await page.click('button.danger');
      expect(await page.textContent('.flash-success')).to.include(
        language === 'ar' ? 'مزامنة الموارد البشرية في الوزارة' : 'Ministry HR sync',
      );
      const refused = await fetch(`${harness.baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(refused.status).to.equal(401);
      await page.context().close();
    });
  }
});
