import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../support/context.ts';

// The browser suite drives Debian's Chromium (apt-get install chromium) with playwright-core:
// no browser download. Without Chromium the suite is skipped locally and fails in CI.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function requireChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CI) throw new Error(`Chromium is missing at ${CHROMIUM}: .ci/run installs it with apt-get`);
  console.warn(`  (browser tests skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`);
  context.skip();
}

export type BrowserHarness = {
  browser: Browser;
  baseUrl: string;
  /** a page in its own context; CSP is bypassed only so that axe can be injected */
  newPage: () => Promise<Page>;
  close: () => Promise<void>;
};

export async function startHarness(): Promise<BrowserHarness> {
  const app = await buildApp();
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    newPage: async () => (await browser.newContext({ bypassCSP: true })).newPage(),
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

/** WCAG 2.1 A/AA violations that axe finds on the page, serious and critical ones. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  // runs in the page: no DOM types here, so the page's globals are described by hand
  type PageGlobals = { axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> } };
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as PageGlobals & { document: unknown };
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
    return (await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

export async function signInAs(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
}

type PageGlobals = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };

/** How many pixels the page is wider than its window: 0 when nothing scrolls sideways. */
export const overflow = (page: Page): Promise<number> =>
  page.evaluate(() => {
    // runs in the page: no DOM types here, so its globals are described by hand
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    return document.documentElement.scrollWidth - innerWidth;
  });

/** With SCREENSHOTS=<folder>, keeps a full-page PNG of the page there, for looking at. */
export async function keep(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS)
    await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png`, fullPage: true });
}
