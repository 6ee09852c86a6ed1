import { expect } from 'chai';
import { Enrolment } from '../../src/enrolments/enrolment.model.ts';
import { daysFromNow, DEFAULT_PASSWORD } from '../support/factories.ts';
import { buildWorld } from '../support/world.ts';
import { accessibilityViolations, requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';

// The attendance pages in a real browser: at 1280 px and on a 390 px phone, in English and in
// Arabic, nothing scrolls sideways and axe finds no serious violation; a day is marked by
// keyboard alone. ATTENDANCE_SCREENSHOTS=dir keeps a picture of each for a person to look at.

/** what the page's own script sees; the suite's TypeScript has no DOM library */
type PageGlobals = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };

describe('attendance pages in a browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness;
  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(() => harness?.close());

  async function world(language: 'en' | 'ar') {
    const w = await buildWorld({
      countries: { tn: {} },
      institutions: { academy: { country: 'tn' } },
      people: {
        trainer: { roles: ['trainer'], at: 'academy', language },
        a: { roles: ['staff'], at: 'academy', fullName: 'Amira Ben Salah Trabelsi-Hammami', serviceNumber: 'TN-0001' },
        b: { roles: ['staff'], at: 'academy', fullName: 'محمد بن علي الجزيري', serviceNumber: 'TN-0002' },
        c: { roles: ['staff'], at: 'academy', fullName: 'Ольга Николаевна Кузнецова', serviceNumber: 'TN-0003' },
      },
      sessions: {
        s: {
          at: 'academy',
          trainers: ['trainer'],
          status: 'in_progress',
          days: [
            { date: daysFromNow(-1), start: '09:00', end: '17:00' },
            { date: daysFromNow(0), start: '00:00', end: '23:59' },
          ],
        },
      },
    });
    let seat = 0;
    for (const p of [w.people.a, w.people.b, w.people.c]) {
      await Enrolment.create({
        session: w.sessions.s._id,
        person: p._id,
        state: 'enrolled',
        seat: ++seat,
        source: 'coordinator',
      });
    }
    return w;
  }

  for (const language of ['en', 'ar'] as const) {
    it(`fits 1280 px and 390 px without sideways scroll, in ${language}, and is marked by keyboard`, async () => {
      const w = await world(language);
      const page = await harness.newPage();
      await signInAs(page, harness.baseUrl, w.people.trainer.email!, DEFAULT_PASSWORD);
      const base = `${harness.baseUrl}/sessions/${w.sessions.s.id as string}/attendance`;
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const url of [base, `${base}/${daysFromNow(0)}`]) {
          await page.goto(url);
          const overflow = await page.evaluate(() => {
            const { document, innerWidth } = globalThis as unknown as PageGlobals;
            return document.documentElement.scrollWidth - innerWidth;
          });
          expect(overflow, `${url} at ${width}`).to.be.at.most(0);
          expect(await accessibilityViolations(page), url).to.deep.equal([]);
          const dir = process.env.ATTENDANCE_SCREENSHOTS;
          if (dir) {
            const name = `${language}-${width}-${url === base ? 'overview' : 'day'}.png`;
            await page.screenshot({ path: `${dir}/${name}`, fullPage: true });
          }
        }
      }
      // by keyboard: the first row's first radio, arrow to "late", then the save button
      await page.setViewportSize({ width: 390, height: 900 });
      await page.goto(`${base}/${daysFromNow(0)}`);
      await page.focus(`input[name="status_${w.people.a.id as string}"]`);
      await page.keyboard.press('ArrowDown');
      await page.focus('.attendance-form button[type="submit"]:not([name])');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.flash-success');
      expect(await page.isChecked(`input[name="status_${w.people.a.id as string}"][value="late"]`)).to.equal(true);
    });
  }
});
