import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEFAULT_PASSWORD } from '../support/factories.ts';
import { requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';
import { busySession } from './pages-world.ts';

// What people see at phone width and in both directions: nothing makes a page wider than the
// screen (a wide table scrolls in its own box, the materials list stacks), in English and in
// Arabic.

const PHONE = { width: 390, height: 844 };

type PageGlobals = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };

/** How much wider than the window the page is (0 when it fits). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    // runs in the page: no DOM types here, so its globals are described by hand
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    return document.documentElement.scrollWidth - innerWidth;
  });
}

describe('page layout in a browser', function () {
  this.timeout(90_000);
  let harness: BrowserHarness;
  let world: Awaited<ReturnType<typeof busySession>>;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  beforeEach(async () => {
    world = await busySession();
  });
  after(async () => harness?.close());

  async function phonePage(who: 'coordinator' | 'arabicCoordinator') {
    const context = await harness.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, harness.baseUrl, world.people[who].email!, DEFAULT_PASSWORD);
    return page;
  }

  for (const [who, language] of [
    ['coordinator', 'English'],
    ['arabicCoordinator', 'Arabic'],
  ] as const) {
    it(`at 390 px in ${language}, the session page and the module page with materials fit the screen`, async () => {
      const page = await phonePage(who);
      for (const path of [`/sessions/${world.session.id as string}`, `/modules/${world.module.id as string}`]) {
        await page.goto(harness.baseUrl + path);
        expect(await page.locator('.resource-list tbody tr').count(), path).to.equal(3);
        expect(await overflow(page), `${path} is wider than the screen by`).to.equal(0);
        // every value of the materials is on the screen, the download link included
        for (const cell of await page.locator('.resource-list td').all()) {
          const box = (await cell.boundingBox())!;
          expect(box.x, `${path}: a materials cell starts off-screen`).to.be.at.least(0);
          expect(box.x + box.width, `${path}: a materials cell ends off-screen`).to.be.at.most(PHONE.width);
        }
      }
      await page.context().close();
    });
  }

  it('at 390 px, a wide table scrolls inside its own box and the page does not', async () => {
    const page = await phonePage('coordinator');
    await page.goto(`${harness.baseUrl}/sessions/${world.session.id as string}/enrolments`);
    const box = page.locator('.table-wrap').first();
    const [inner, outer] = await box.evaluate((el: { scrollWidth: number; clientWidth: number }) => [
      el.scrollWidth,
      el.clientWidth,
    ]);
    expect(inner, 'the roster is wider than a phone').to.be.greaterThan(outer!);
    expect(await overflow(page)).to.equal(0);
    await page.context().close();
  });
});
