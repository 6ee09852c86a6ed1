import { expect } from 'chai';
import { Person } from '../../src/people/person.model.ts';
import { DEFAULT_PASSWORD } from '../support/factories.ts';
import { chainWorld, completion, heldSession, threeGenerations } from '../support/trainer-chain.ts';
import { accessibilityViolations, requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';

// The trainer chain's pages in a real browser (decision 0016): a trainer's record, the grant page
// and a module's cascade, at 1280 px and on a 390 px phone, in English and in Arabic: nothing
// scrolls sideways and axe finds no serious violation. TRAINER_CHAIN_SCREENSHOTS=dir keeps a
// picture of each for a person to look at.

/** what the page's own script sees; the suite's TypeScript has no DOM library */
type PageGlobals = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };

describe('trainer chain pages in a browser', function () {
  this.timeout(180_000);
  let harness: BrowserHarness;
  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(() => harness?.close());

  for (const language of ['en', 'ar'] as const) {
    it(`fit 1280 px and 390 px without sideways scroll, in ${language}`, async () => {
      const w = await chainWorld();
      await threeGenerations(w);
      // a trainee of the master with a long name, and a ToT completion waiting to be granted
      const tot = await heldSession(w.institutions.almaty, w.modules.tot, [w.people.master], { daysAgo: 3, days: 2 });
      await completion(w.people.otherTrainer, tot, w.modules.tot);
      await Person.updateOne({ _id: w.people.admin._id }, { $set: { language } });
      const page = await harness.newPage();
      await signInAs(page, harness.baseUrl, w.people.admin.email!, DEFAULT_PASSWORD);
      const pages = {
        trainer: `/trainers/${w.people.master.id as string}`,
        grant: `/people/${w.people.otherTrainer.id as string}/qualifications/grant`,
        cascade: `/modules/${w.modules.pve.id as string}/cascade`,
      };
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, path] of Object.entries(pages)) {
          const res = await page.goto(`${harness.baseUrl}${path}`);
          expect(res?.status(), path).to.equal(200);
          expect(await page.getAttribute('html', 'dir')).to.equal(language === 'ar' ? 'rtl' : 'ltr');
          const overflow = await page.evaluate(() => {
            const { document, innerWidth } = globalThis as unknown as PageGlobals;
            return document.documentElement.scrollWidth - innerWidth;
          });
          expect(overflow, `${path} at ${width}`).to.be.at.most(0);
          expect(await accessibilityViolations(page), `${path} at ${width}`).to.deep.equal([]);
          const dir = process.env.TRAINER_CHAIN_SCREENSHOTS;
          if (dir) await page.screenshot({ path: `${dir}/${name}-${language}-${width}.png`, fullPage: true });
        }
      }
    });
  }
});
