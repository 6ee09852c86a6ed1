import { expect } from 'chai';
import { DEFAULT_PASSWORD } from '../support/factories.ts';
import { requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';
import { busySession } from './pages-world.ts';

// In Arabic, a session's day lines as rendered: the time range reads 08:30–13:00 left to
// right, not 13:00–08:30 as it did when the line was not isolated.

type Rect = { left: number };
type PageGlobals = {
  document: {
    querySelector: (selector: string) => { firstChild: unknown } | null;
    createRange: () => {
      setStart: (n: unknown, o: number) => void;
      setEnd: (n: unknown, o: number) => void;
      getBoundingClientRect: () => Rect;
    };
  };
};

describe('right to left in a browser', function () {
  this.timeout(90_000);
  let harness: BrowserHarness;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  it('in Arabic, the first day of a session shows 08:30 before 13:00, reading left to right', async () => {
    const world = await busySession();
    const page = await harness.newPage();
    await signInAs(page, harness.baseUrl, world.people.arabicCoordinator.email!, DEFAULT_PASSWORD);
    await page.goto(`${harness.baseUrl}/sessions/${world.session.id as string}`);
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    const [start, end] = await page.evaluate(() => {
      // runs in the page: where each time is drawn, from the text node of the first day
      const { document } = globalThis as unknown as PageGlobals;
      const node = document.querySelector('ul.days li')!.firstChild as { textContent: string };
      // no named function in here: the test's compiler would wrap it in a helper the page lacks
      return ['08:30', '13:00'].map((text) => {
        const range = document.createRange();
        const from = node.textContent.indexOf(text);
        range.setStart(node, from);
        range.setEnd(node, from + text.length);
        return range.getBoundingClientRect().left;
      });
    });
    expect(start, 'the start time is drawn left of the end time').to.be.below(end!);
    await page.close();
  });
});
