import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { enrolInManaged } from '../../src/enrolments/enrolments.service.ts';
import { markDay } from '../../src/attendance/attendance.service.ts';
import { TrainingModule } from '../../src/modules/training-module.model.ts';
import { toActor } from '../../src/people/people.service.ts';
import { closeSession } from '../../src/results/results.service.ts';
import {
  buildInstitution,
  buildModule,
  buildTrainingSession,
  buildUser,
  daysFromNow,
  DEFAULT_PASSWORD,
} from '../support/factories.ts';
import { accessibilityViolations, requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';

// Issue 12's browser journey: a trainer marks the day of a session that has just ended, prints
// its sign-in sheet, uploads the signed scan and enters the post-test scores; a coordinator of
// the venue reviews the proposed results, changes one with a reason and closes the session.
// DELIVERY_SCREENSHOTS=dir keeps a picture of each delivery page at 1280 and 390 px, in English
// and in Arabic, for a person to look at.

const run = promisify(execFile);
const PHONE = { width: 390, height: 844 };

/** what the page's own script sees; the suite's TypeScript has no DOM library */
type PageGlobals = { document: { documentElement: { scrollWidth: number; clientWidth: number } } };

/** How much wider than its window the page is (0 when it fits). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    return document.documentElement.scrollWidth - document.documentElement.clientWidth;
  });
}

/** The main text, checked for a translation key shown instead of its text. */
async function mainText(page: Page): Promise<string> {
  const text = (await page.getByRole('main').textContent()) ?? '';
  const leaks = text.match(
    /\b(results|attendance|sheets|assessments|sessions|enrolments|common):[a-zA-Z]|\b(close|reopen|results|columns|outcomes|reasons|history|errors|day|days|paper|pdf|sheet|rules|gain|panel|import|statuses|short|fields|flash|overview|upload|confirm|refused|problems|show|actions)\.(?!(png|pdf|jpe?g|csv)\b)[a-zA-Z_]+/g,
  );
  expect(leaks, `${page.url()} shows translation keys`).to.equal(null);
  return text.replace(/\s+/g, ' ');
}

const names = {
  amina: 'Amina Nakato',
  mohamed: 'محمد بن علي الجزيري',
  olga: 'Ольга Николаевна Кузнецова',
};

async function setting() {
  const venue = await buildInstitution({ name: 'Luzira Staff Training School' });
  const module = await buildModule({
    status: 'published',
    institution: venue,
    title: 'Dynamic security',
    code: 'DS-1',
    passMark: 70,
    attendanceThreshold: 80,
  });
  await TrainingModule.updateOne({ _id: module._id }, { $set: { hasPreTest: true, hasPostTest: true } });
  const trainer = await buildUser({ roles: ['trainer'], institution: venue, fullName: 'Grace Akello' });
  const coordinator = await buildUser({
    roles: ['coordinator'],
    institution: venue,
    scopeInstitutions: [venue],
    fullName: 'Joseph Okello',
  });
  // two days, the day before yesterday and yesterday: the session has ended, nobody has closed it
  const first = daysFromNow(-2);
  const date = daysFromNow(-1);
  const session = await buildTrainingSession({
    module,
    venue,
    days: [
      { date: first, start: '09:00', end: '17:00' },
      { date, start: '09:00', end: '17:00' },
    ],
    status: 'in_progress',
    trainers: [trainer],
  });
  const people = {
    amina: await buildUser({ institution: venue, fullName: names.amina, serviceNumber: 'UG-1001' }),
    mohamed: await buildUser({ institution: venue, fullName: names.mohamed, serviceNumber: 'UG-1002' }),
    olga: await buildUser({ institution: venue, fullName: names.olga, serviceNumber: 'UG-1003' }),
  };
  const actor = toActor(coordinator);
  for (const person of Object.values(people)) {
    expect(await enrolInManaged(actor, session, person.id as string, 'coordinator')).to.equal('enrolled');
  }
  // the first day was marked on the day: everyone came
  await markDay(toActor(trainer), session.id as string, first, { rows: new Map(), allPresent: true });
  return { venue, module, trainer, coordinator, session, first, date, people, id: session.id as string };
}

describe('in a browser, a session is delivered and closed', function () {
  this.timeout(180_000);
  let harness: BrowserHarness;
  let dir: string;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
    dir = await mkdtemp(path.join(os.tmpdir(), 'cadre-delivery-'));
  });
  after(async () => {
    await harness?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** With DELIVERY_SCREENSHOTS set: the page at both widths in Arabic, then English, switched from the footer. */
  async function shoot(page: Page, name: string) {
    const shots = process.env.DELIVERY_SCREENSHOTS;
    if (!shots) return;
    await mkdir(shots, { recursive: true });
    for (const language of ['ar', 'en'] as const) {
      await page.locator('#language-choice').selectOption(language);
      await page.locator('.language-switcher button').click();
      await page.waitForFunction(
        (lang) =>
          (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement
            .lang === lang,
        language,
      );
      await page.waitForLoadState('load');
      await mainText(page);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        const over = await overflow(page);
        if (over > 0)
          console.warn(`      ${name} in ${language} at ${width} px is wider than the window by ${over} px`);
        await page.screenshot({ path: path.join(shots, `${name}-${language}-${width}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  it('a trainer marks the day, prints the sheet, uploads the scan and enters scores; a coordinator closes the session', async () => {
    const w = await setting();
    const sessionUrl = `${harness.baseUrl}/sessions/${w.id}`;
    const trainer = await harness.newPage();
    await trainer.setViewportSize({ width: 1280, height: 900 });
    await signInAs(trainer, harness.baseUrl, w.trainer.email!, DEFAULT_PASSWORD);

    // the session page lists the day with its sheet, its paper and its attendance
    await trainer.goto(sessionUrl);
    const days = trainer.locator('.delivery-days');
    expect(await days.locator('h2').textContent()).to.equal('Delivery days');
    await mainText(trainer);

    expect(await days.getByRole('listitem').count()).to.equal(2);

    // attendance of the second day: Mohamed absent, the others present with one button
    await days.getByRole('listitem').nth(1).getByRole('link', { name: 'Attendance' }).click();
    await trainer.waitForURL(`${sessionUrl}/attendance/${w.date}`);
    let text = await mainText(trainer);
    expect(text).to.contain('Attendance of the day: Dynamic security');
    expect(text).to.contain('Luzira Staff Training School');
    for (const name of Object.values(names)) expect(text).to.contain(name);
    expect(await trainer.getByRole('link', { name: 'Previous day' }).getAttribute('href')).to.equal(
      `/sessions/${w.id}/attendance/${w.first}`,
    );
    expect(await accessibilityViolations(trainer)).to.deep.equal([]);
    await shoot(trainer, 'attendance-day');
    const row = (who: keyof typeof w.people) => trainer.locator(`#row-${w.people[who].id as string}`);
    await row('mohamed').getByLabel('Absent').check();
    await trainer.getByRole('button', { name: 'Mark the others present' }).click();
    await trainer.waitForSelector('.flash-success');
    text = await mainText(trainer);
    expect(text).to.contain('Attendance saved: 3 new marks, 0 changes.');
    expect(await row('mohamed').getByLabel('Absent').isChecked()).to.equal(true);
    expect(await row('amina').getByLabel('Present').isChecked()).to.equal(true);
    expect(await row('olga').getByLabel('Present').isChecked()).to.equal(true);
    expect(await row('amina').locator('summary').textContent()).to.contain('History (changes: 0)');
    // the day is over: a change now asks for a reason
    expect(text).to.contain('This day is over: changing a mark already made needs a reason.');

    // the sign-in sheet, fetched from the session page's link with the trainer's cookies
    await trainer.goto(sessionUrl);
    const sheetLink = days.getByRole('listitem').nth(1).getByRole('link', { name: 'Sign-in sheet (PDF)' });
    const href = await sheetLink.getAttribute('href');
    expect(href).to.equal(`/sessions/${w.id}/days/${w.date}/sign-in-sheet.pdf`);
    const response = await trainer.context().request.get(harness.baseUrl + href!);
    expect(response.status()).to.equal(200);
    expect(response.headers()['content-type']).to.contain('application/pdf');
    const pdf = await response.body();
    expect(pdf.subarray(0, 4).toString('latin1')).to.equal('%PDF');
    const pdfFile = path.join(dir, 'sheet.pdf');
    await writeFile(pdfFile, pdf);
    const { stdout: info } = await run('pdfinfo', [pdfFile]);
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).to.be.at.least(1);
    const { stdout: sheetText } = await run('pdftotext', ['-layout', pdfFile, '-']);
    expect(sheetText).to.contain('Amina Nakato');
    expect(sheetText).to.contain('UG-1003');
    expect(sheetText).to.contain('Dynamic security');

    // the paper page: a scan (a real PNG: a picture of the page itself) is uploaded and listed
    await days.getByRole('listitem').nth(1).getByRole('link', { name: 'Paper' }).click();
    await trainer.waitForURL(`${sessionUrl}/days/${w.date}/paper`);
    text = await mainText(trainer);
    expect(text).to.contain('Signed sign-in sheet: Dynamic security');
    expect(text).to.contain('Day 2 of 2: ');
    expect(text).to.contain('No scan has been uploaded for this day yet.');
    const scan = path.join(dir, 'signed-sheet.png');
    await trainer.screenshot({ path: scan });
    await trainer.getByLabel('Scan or photograph (PDF, JPEG or PNG)').setInputFiles(scan);
    await trainer.getByRole('button', { name: 'Upload', exact: true }).click();
    await trainer.waitForSelector('.flash-success');
    text = await mainText(trainer);
    expect(text).to.contain('The scan was uploaded.');
    expect(await trainer.locator('ul.scans li').textContent()).to.match(
      /^Scan 1: signed-sheet\.png \(.+\), uploaded by Grace Akello, /,
    );
    expect(text).to.contain('Not confirmed from paper yet.');
    expect(await accessibilityViolations(trainer)).to.deep.equal([]);
    await shoot(trainer, 'paper');

    // the scores: Olga's post-test is below the pass mark
    await trainer.goto(sessionUrl);
    await trainer.getByRole('link', { name: 'Enter or see the scores' }).click();
    await trainer.waitForURL(`${sessionUrl}/assessments`);
    text = await mainText(trainer);
    expect(text).to.contain('Tests: pre-test and post-test');
    expect(text).to.contain('Pass mark in the post-test: 70%');
    const scores: [keyof typeof names, string, string][] = [
      ['amina', '55', '85.5'],
      ['mohamed', '', ''],
      ['olga', '60', '55'],
    ];
    for (const [who, pre, post] of scores) {
      await trainer.getByLabel(`Pre-test: ${names[who]}`).fill(pre);
      await trainer.getByLabel(`Post-test: ${names[who]}`).fill(post);
    }
    await trainer.getByRole('button', { name: 'Save the scores' }).click();
    await trainer.waitForSelector('.flash-success');
    text = await mainText(trainer);
    expect(text).to.contain('Scores saved. Participants changed: 2.');
    const resultOf = async (who: keyof typeof names) =>
      (
        await trainer
          .locator('tr', { has: trainer.getByText(names[who]) })
          .locator('td')
          .last()
          .textContent()
      )?.trim();
    expect(await resultOf('amina')).to.equal('Passed');
    expect(await resultOf('olga')).to.equal('Not passed');
    expect(await resultOf('mohamed')).to.equal('No post-test score');
    expect(await trainer.getByLabel(`Post-test: ${names.amina}`).inputValue()).to.equal('85.5');
    expect(await accessibilityViolations(trainer)).to.deep.equal([]);
    await shoot(trainer, 'assessments');
    await trainer.context().close();

    // the coordinator closes the session
    const coordinator = await harness.newPage();
    await coordinator.setViewportSize({ width: 1280, height: 900 });
    await signInAs(coordinator, harness.baseUrl, w.coordinator.email!, DEFAULT_PASSWORD);
    await coordinator.goto(sessionUrl);
    await coordinator.getByRole('link', { name: 'Close the session' }).click();
    await coordinator.waitForURL(`${sessionUrl}/close`);
    text = await mainText(coordinator);
    expect(text).to.contain('Each participant’s result is proposed from the module’s rules');
    expect(text).to.contain('Confirming closes the session: trainers can no longer change its attendance or scores.');
    const proposal = (who: keyof typeof names) => coordinator.locator(`#result-${w.people[who].id as string}`);
    const proposed = async (who: keyof typeof names) =>
      (await proposal(who).locator('dt:text-is("Proposed") + dd').innerText())?.replace(/\s+/g, ' ').trim();
    expect(await proposed('amina')).to.equal('Completed');
    expect(await proposed('mohamed')).to.equal(
      'Not completed Attended 50%, below the 80% required. No post-test score.',
    );
    expect(await proposed('olga')).to.equal('Not completed Post-test score 55, below the pass mark of 70.');
    expect(await proposal('amina').textContent()).to.contain('100% (days attended: 2/2)');
    expect(await accessibilityViolations(coordinator)).to.deep.equal([]);
    await shoot(coordinator, 'close');

    // a changed result without a reason is refused beside its row, and the choice is kept
    await proposal('olga').getByLabel('Result', { exact: true }).selectOption('completed');
    await coordinator.getByRole('button', { name: 'Confirm the results and close' }).click();
    await coordinator.waitForLoadState('load');
    expect(await proposal('olga').locator('.field-error').textContent()).to.contain('Give a reason.');
    expect(await proposal('olga').getByLabel('Result', { exact: true }).inputValue()).to.equal('completed');
    await mainText(coordinator);

    const reason = 'Resat the post-test orally with the trainer and passed';
    await proposal('olga').getByLabel('Reason for changing the proposed result').fill(reason);
    await coordinator.getByRole('button', { name: 'Confirm the results and close' }).click();
    await coordinator.waitForURL(`${sessionUrl}/results`);
    text = await mainText(coordinator);
    expect(text).to.contain('Results confirmed: 3. The session is closed.');
    expect(text).to.match(/Closed on .+\./);
    const resultRow = async (who: keyof typeof names) =>
      (await coordinator.locator('table.results tr', { hasText: names[who] }).innerText())?.replace(/\s+/g, ' ').trim();
    expect(await resultRow('amina')).to.equal('Amina Nakato UG-1001 100% 55 85.5 Completed');
    expect(await resultRow('mohamed')).to.equal(
      `${names.mohamed} UG-1002 50% — — Not completed Attended 50%, below the 80% required. No post-test score.`,
    );
    expect(await resultRow('olga')).to.equal(
      `${names.olga} UG-1003 100% 60 55 Completed Changed from “Not completed”: ${reason}`,
    );
    expect(text).to.contain('Closing history');
    expect(text).to.match(/Closed by Joseph Okello on /);
    expect(await accessibilityViolations(coordinator)).to.deep.equal([]);
    await shoot(coordinator, 'results');

    // the session page says it is closed, and offers no closing any more
    await coordinator.goto(sessionUrl);
    text = await mainText(coordinator);
    expect(text).to.match(/Closed on .+\./);
    expect(await coordinator.getByRole('link', { name: 'Close the session' }).count()).to.equal(0);
    await coordinator.context().close();
  });

  it('in Arabic at 390 px, the closing review and the results fit the screen', async () => {
    const w = await setting();
    const actor = toActor(w.coordinator);
    const trainerActor = toActor(w.trainer);
    await markDay(trainerActor, w.id, w.date, {
      rows: new Map([[w.people.mohamed.id as string, { status: 'absent' }]]),
      allPresent: true,
    });
    await w.coordinator.updateOne({ language: 'ar' });
    const context = await harness.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, harness.baseUrl, w.coordinator.email!, DEFAULT_PASSWORD);

    await page.goto(`${harness.baseUrl}/sessions/${w.id}/close`);
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    expect(await page.locator('fieldset.result-row').count()).to.equal(3);
    await mainText(page);
    expect(await overflow(page), 'the closing review is wider than the screen by').to.equal(0);

    await closeSession(actor, w.id, {
      outcomes: { [w.people.olga.id as string]: 'no_show' },
      reasons: {
        [w.people.olga.id as string]: 'لم تحضر في الواقع: خطأ في التسجيل — Registration error, see sheet UG-1003',
      },
    });
    await page.goto(`${harness.baseUrl}/sessions/${w.id}/results`);
    expect(await page.locator('table.results tbody tr').count()).to.equal(3);
    await mainText(page);
    expect(await overflow(page), 'the results page is wider than the screen by').to.equal(0);
    await context.close();
  });
});
