import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Institution } from '../../src/institutions/institution.model.ts';
import { buildUser, DEFAULT_PASSWORD } from '../support/factories.ts';
import { requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';
import { busySession } from './pages-world.ts';

// What people see at phone width and in both directions: nothing makes a page wider than the
// screen (a wide table scrolls in its own box, the materials list stacks), in English and in
// Arabic.

const PHONE = { width: 390, height: 844 };

type StyleGlobals = { getComputedStyle: (el: unknown) => { display: string } };
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

  for (const language of ['en', 'ar'] as const) {
    it(`at 390 px in ${language}, the rows of a module's titles in other languages and of an institution's signatories fit the screen`, async () => {
      const admin = await buildUser({ roles: ['admin'], institution: null, language });
      await world.module.updateOne({
        titleTranslations: [{ language: 'ar', title: 'استخدام القوة والأمن الديناميكي' }],
      });
      await Institution.updateOne(
        { _id: world.institutions.academy._id },
        { signatories: [{ name: 'Col. A. Serikbayev', role: 'Director, Prison Staff Training Centre' }] },
      );
      const context = await harness.browser.newContext({ viewport: PHONE });
      const page = await context.newPage();
      await signInAs(page, harness.baseUrl, admin.email!, DEFAULT_PASSWORD);
      for (const [path, rows] of [
        [`/modules/${world.module.id as string}/edit`, '.translations .day-row'],
        [`/institutions/${world.institutions.academy.id as string}/edit`, '.signatories .day-row'],
      ] as const) {
        await page.goto(harness.baseUrl + path);
        expect(await page.locator(rows).count(), path).to.be.at.least(3);
        expect(await overflow(page), `${path} is wider than the screen by`).to.equal(0);
        for (const box of await page.locator(`${rows} input, ${rows} select`).all()) {
          const place = (await box.boundingBox())!;
          expect(place.x, `${path}: a box starts off-screen`).to.be.at.least(0);
          expect(place.x + place.width, `${path}: a box ends off-screen`).to.be.at.most(PHONE.width);
        }
      }
      await context.close();
    });
  }

  for (const [who, language] of [
    ['coordinator', 'English'],
    ['arabicCoordinator', 'Arabic'],
  ] as const) {
    it(`on the roster in ${language}, each row's actions sit on the row's line, at desktop and phone width`, async () => {
      const page = await phonePage(who);
      for (const width of [1280, PHONE.width]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${harness.baseUrl}/sessions/${world.session.id as string}/enrolments`);
        const rows = await page.locator('.roster-section tbody tr').all();
        expect(rows, 'rows: four seated, two waiting, one request').to.have.length(7);
        for (const row of rows) {
          const cells = row.locator('td');
          const first = (await cells.first().boundingBox())!;
          const actions = cells.last(); // Remove, and Approve and Decline on a request
          expect(
            await actions.evaluate((el) => (globalThis as unknown as StyleGlobals).getComputedStyle(el).display),
            `${width} px`,
          ).to.equal('table-cell');
          const box = (await actions.boundingBox())!;
          const name = await cells.nth(1).textContent();
          expect(Math.abs(box.y - first.y), `${name}: the actions start below their row at ${width} px`).to.be.below(1);
          expect(Math.abs(box.height - first.height), `${name}: the actions cell is taller than its row`).to.be.below(
            1,
          );
          // and its first link or button is on the same line as the row's first text
          const control = (await actions.locator('a, button').first().boundingBox())!;
          expect(control.y - first.y, `${name}: the first action is pushed down at ${width} px`).to.be.below(12);
        }
      }
      await page.context().close();
    });
  }

  it('printed, the roster is the sign-in sheet: the seated people with attendance and signature columns, nothing else', async () => {
    const page = await phonePage('coordinator');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${harness.baseUrl}/sessions/${world.session.id as string}/enrolments`);
    expect(await page.getByRole('columnheader', { name: 'Signature' }).count(), 'on screen').to.equal(0);
    await page.emulateMedia({ media: 'print' });
    const main = page.getByRole('main');
    for (const hidden of ['Add people', 'Back to the session', 'Waiting list', 'Requests', 'Actions', 'E-mail']) {
      expect(
        await main.getByText(hidden, { exact: true }).filter({ visible: true }).count(),
        `${hidden} is printed`,
      ).to.equal(0);
    }
    expect(
      await page.locator('main form').evaluateAll((forms) => forms.filter((f) => f.checkVisibility()).length),
    ).to.equal(0);
    const headers = await page.locator('#roster-enrolled th').allTextContents();
    expect(headers.map((h) => h.trim())).to.deep.equal([
      'Seat',
      'Name',
      'Service number',
      'E-mail',
      'Institution',
      'Present',
      'Signature',
      'Actions',
    ]);
    const printed = await page
      .locator('#roster-enrolled th')
      .evaluateAll((cells) => cells.filter((c) => c.checkVisibility()).map((c) => c.textContent!.trim()));
    expect(printed).to.deep.equal(['Seat', 'Name', 'Service number', 'Institution', 'Present', 'Signature']);
    expect(await page.locator('#roster-enrolled tbody tr').count()).to.equal(4);
    await page.context().close();
  });

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
