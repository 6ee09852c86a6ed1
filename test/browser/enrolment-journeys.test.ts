import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Enrolment } from '../../src/enrolments/enrolment.model.ts';
import {
  buildInstitution,
  buildModule,
  buildTrainingSession,
  buildUser,
  daysFromNow,
  DEFAULT_PASSWORD,
} from '../support/factories.ts';
import { accessibilityViolations, requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';

// Enrolment journeys where what matters is what the browser does: withdrawing asks first (without
// JavaScript), and the roster's bulk forms answer with a redirect, so reloading the result page
// enrols nobody again.

describe('in a browser, enrolment', function () {
  this.timeout(60_000);
  let harness: BrowserHarness;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  async function setting(capacity: number) {
    const institution = await buildInstitution({ name: 'Luzira Staff Training School' });
    const module = await buildModule({ status: 'published', institution, title: 'Dynamic security', code: 'DS-1' });
    const session = await buildTrainingSession({ module, venue: institution, date: daysFromNow(14), capacity });
    return { institution, session };
  }

  it('withdrawing, without JavaScript, asks first and says the seat goes to the first person waiting', async () => {
    const { institution, session } = await setting(1);
    const seated = await buildUser({ institution });
    const waiting = await buildUser({ institution });
    const context = await harness.browser.newContext({ javaScriptEnabled: false, bypassCSP: true });
    const page = await context.newPage();
    await signInAs(page, harness.baseUrl, seated.email!, DEFAULT_PASSWORD);
    await page.goto(`${harness.baseUrl}/sessions/${session.id as string}`);
    await page.getByRole('button', { name: 'Enrol' }).click();
    const other = await harness.newPage();
    await signInAs(other, harness.baseUrl, waiting.email!, DEFAULT_PASSWORD);
    await other.goto(`${harness.baseUrl}/sessions/${session.id as string}`);
    await other.getByRole('button', { name: 'Join the waiting list' }).click();

    await page.getByRole('link', { name: 'Withdraw' }).click();
    await page.waitForURL(`${harness.baseUrl}/sessions/${session.id as string}/enrolments/withdraw`);
    const main = await page.getByRole('main').textContent();
    expect(main).to.contain('Withdraw from the session?');
    expect(main).to.contain(
      'You hold seat 1. If you withdraw, it goes at once to the first person on the waiting list',
    );
    await context.close().catch(() => undefined);

    // the same page, accessible, with scripts on; "keep my place" changes nothing
    const checked = await harness.newPage();
    await signInAs(checked, harness.baseUrl, seated.email!, DEFAULT_PASSWORD);
    await checked.goto(`${harness.baseUrl}/sessions/${session.id as string}/enrolments/withdraw`);
    expect(await accessibilityViolations(checked)).to.deep.equal([]);
    await checked.getByRole('link', { name: 'Keep my place' }).click();
    await checked.waitForURL(`${harness.baseUrl}/sessions/${session.id as string}`);
    expect(await Enrolment.exists({ person: seated._id, state: 'enrolled' })).to.not.equal(null);

    await checked.getByRole('link', { name: 'Withdraw' }).click();
    await checked.getByRole('button', { name: 'Withdraw' }).click();
    await checked.waitForURL(`${harness.baseUrl}/sessions/${session.id as string}`);
    expect(await checked.getByRole('status').first().textContent()).to.contain('You have withdrawn from the session.');
    expect(await Enrolment.exists({ person: seated._id, state: 'withdrawn' })).to.not.equal(null);
    expect(await Enrolment.exists({ person: waiting._id, state: 'enrolled' })).to.not.equal(null);
    await checked.close();
    await other.close();
  });

  it('the roster answers the people ticked and a CSV with a redirect: the result shows once, a reload enrols nobody again', async () => {
    const { institution, session } = await setting(10);
    const coordinator = await buildUser({ roles: ['coordinator'], institution, scopeInstitutions: [institution] });
    const neighbour = await buildInstitution({ country: institution.country, name: 'Kigo Prison' });
    const ticked = [
      await buildUser({ institution, fullName: 'Amina Nakato' }),
      await buildUser({ institution: neighbour, fullName: 'Fatma Ben Salah' }),
    ];
    await buildUser({ institution, fullName: 'Ochen Csv', serviceNumber: 'UG-501' });
    const page = await harness.newPage();
    await signInAs(page, harness.baseUrl, coordinator.email!, DEFAULT_PASSWORD);
    const roster = `${harness.baseUrl}/sessions/${session.id as string}/enrolments`;
    // without a search the page lists the venue's people only: every factory e-mail is at test.example
    await page.goto(`${roster}?q=test`);
    for (const person of ticked) await page.getByLabel(person.fullName).check();
    await page.getByRole('button', { name: 'Add the people ticked' }).click();
    await page.waitForURL(`${roster}#result`);
    expect(await page.locator('#result').textContent()).to.contain('Fatma Ben Salah');
    expect(await accessibilityViolations(page)).to.deep.equal([]);
    let requests = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST') requests++;
    });
    await page.reload();
    expect(requests, 'a reload posts nothing').to.equal(0);
    expect(await page.locator('#result').count(), 'the result is shown once').to.equal(0);
    expect(await Enrolment.countDocuments({ session: session._id })).to.equal(2);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'cadre-csv-'));
    const file = path.join(dir, 'people.csv');
    await writeFile(file, 'service number\nUG-501\nUG-999\n');
    await page.getByLabel('A CSV file of service numbers').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload and enrol' }).click();
    await page.waitForURL(`${roster}#result`);
    const result = await page.locator('#result').textContent();
    expect(result).to.contain('UG-501');
    expect(result).to.contain('Not found among the people you may enrol');
    requests = 0;
    await page.reload();
    expect(requests).to.equal(0);
    expect(await page.locator('#result').count()).to.equal(0);
    expect(await Enrolment.countDocuments({ session: session._id })).to.equal(3);
    await rm(dir, { recursive: true, force: true });
    await page.close();
  });
});
