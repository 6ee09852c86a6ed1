import { expect } from 'chai';
import { Enrolment } from '../../src/enrolments/enrolment.model.ts';
import { TrainingSession } from '../../src/sessions/training-session.model.ts';
import { Person } from '../../src/people/person.model.ts';
import {
  buildInstitution,
  buildModule,
  buildTrainingSession,
  buildUser,
  daysFromNow,
  DEFAULT_PASSWORD,
} from '../support/factories.ts';
import { accessibilityViolations, requireChromium, signInAs, startHarness, type BrowserHarness } from './browser.ts';

describe('in a browser', function () {
  this.timeout(60_000);
  let harness: BrowserHarness;

  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  it('an administrator adds a person: a mistake is shown beside its field, the rest is kept, then the person is saved', async () => {
    const institution = await buildInstitution({ name: 'Uganda Prisons Academy' });
    const admin = await buildUser({ roles: ['admin'], institution });
    const page = await harness.newPage();
    await signInAs(page, harness.baseUrl, admin.email!, DEFAULT_PASSWORD);

    await page.getByRole('link', { name: 'People', exact: true }).first().click();
    await page.getByRole('link', { name: 'Add a person' }).click();
    await page.getByLabel('Full name').fill('Grace Namutebi');
    await page.getByLabel('E-mail').fill('not an address');
    await page.getByLabel('Institution').selectOption({ label: `Uganda Prisons Academy (${institution.code})` });
    await page.getByLabel('Gender').selectOption('female');
    await page.getByRole('button', { name: 'Save' }).click();

    expect(await page.locator('#email-error').textContent()).to.contain('Enter an e-mail address');
    expect(await page.getByLabel('Full name').inputValue()).to.equal('Grace Namutebi');
    expect(await page.getByLabel('Gender').inputValue()).to.equal('female');
    expect(await accessibilityViolations(page)).to.deep.equal([]);

    await page.getByLabel('E-mail').fill('grace@example.org');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/people\/[0-9a-f]{24}$/);
    expect(await page.getByRole('status').textContent()).to.contain('Grace Namutebi has been added');
    expect(await Person.exists({ email: 'grace@example.org', gender: 'female' })).to.not.equal(null);
    await page.close();
  });

  it('a person switches to Arabic without JavaScript: the page turns right-to-left and stays accessible', async () => {
    const staff = await buildUser({ roles: ['coordinator'] });
    const context = await harness.browser.newContext({ javaScriptEnabled: false, bypassCSP: true });
    const page = await context.newPage();
    await signInAs(page, harness.baseUrl, staff.email!, DEFAULT_PASSWORD);
    await page.getByLabel('Language').selectOption('ar');
    // the next document, not the one already loaded (waitForLoadState alone may return before the form is sent)
    const navigated = page.waitForEvent('framenavigated');
    await page.getByRole('button', { name: 'Change' }).click();
    await navigated;
    await page.waitForLoadState();
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    expect(await page.locator('html').getAttribute('lang')).to.equal('ar');
    expect((await Person.findById(staff._id).lean())?.language).to.equal('ar');
    await context.close();

    const checked = await harness.newPage();
    await signInAs(checked, harness.baseUrl, staff.email!, DEFAULT_PASSWORD);
    await checked.goto(`${harness.baseUrl}/people`);
    expect(await checked.locator('html').getAttribute('dir')).to.equal('rtl');
    expect(await accessibilityViolations(checked)).to.deep.equal([]);
    await checked.close();
  });

  it('a staff member finds a module in the catalogue, enrols in its next session and sees it in My training', async () => {
    const institution = await buildInstitution({ name: 'Luzira Staff Training School' });
    const module = await buildModule({
      status: 'published',
      institution,
      title: 'Recognising radicalisation',
      code: 'PVE-02',
    });
    const session = await buildTrainingSession({
      module,
      venue: institution,
      date: daysFromNow(14),
      timeZone: 'Africa/Kampala',
      room: 'Hall B',
      capacity: 12,
    });
    const staff = await buildUser({ roles: ['staff'], institution });
    const page = await harness.newPage();
    await signInAs(page, harness.baseUrl, staff.email!, DEFAULT_PASSWORD);

    await page.getByRole('link', { name: 'Catalogue', exact: true }).first().click();
    await page.getByRole('searchbox').fill('radicalisation');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: 'Recognising radicalisation' }).click();
    expect(await page.getByRole('cell', { name: '12 places left' }).count()).to.equal(1);
    expect(await accessibilityViolations(page)).to.deep.equal([]);

    await page.getByRole('link', { name: /09:00–17:00 \(Africa\/Kampala\)/ }).click();
    await page.waitForURL(`${harness.baseUrl}/sessions/${session.id as string}`);
    await page.getByRole('button', { name: 'Enrol' }).click();
    expect(await page.getByRole('status').first().textContent()).to.contain('You are enrolled');
    expect(await accessibilityViolations(page)).to.deep.equal([]);

    await page.getByRole('link', { name: 'My training', exact: true }).first().click();
    expect(await page.getByRole('main').textContent()).to.contain('Recognising radicalisation');
    expect(await Enrolment.exists({ session: session._id, person: staff._id, state: 'enrolled' })).to.not.equal(null);
    await page.close();
  });

  it('a coordinator schedules a session, is shown the clash with another in the same room, and overrides it with a reason', async () => {
    const institution = await buildInstitution({ name: 'Almaty Training Centre', timeZone: 'Asia/Almaty' });
    const coordinator = await buildUser({ roles: ['coordinator'], institution, scopeInstitutions: [institution] });
    const trainer = await buildUser({ roles: ['trainer'], institution, fullName: 'Aigerim Trainer' });
    const module = await buildModule({ status: 'published', institution, title: 'Dynamic security', code: 'DS-1' });
    const other = await buildModule({ status: 'published', institution, title: 'Use of force', code: 'UF-1' });
    const day = daysFromNow(21);
    await buildTrainingSession({
      module: other,
      venue: institution,
      date: day,
      timeZone: 'Asia/Almaty',
      room: 'Room A',
    });
    const page = await harness.newPage();
    await signInAs(page, harness.baseUrl, coordinator.email!, DEFAULT_PASSWORD);

    await page.getByRole('link', { name: 'Sessions', exact: true }).first().click();
    await page.getByRole('link', { name: 'Schedule a session' }).click();
    await page.locator('#module').selectOption(module.id as string);
    await page.locator('#institution').selectOption(institution.id as string);
    await page.locator('#room').fill('Room A');
    await page.getByLabel('Day 1').fill(day);
    await page.locator('#start-0').fill('10:00');
    await page.locator('#end-0').fill('12:00');
    await page.locator('#lead').selectOption(trainer.id as string);
    await page.getByRole('button', { name: 'Save' }).click();

    expect(await page.getByRole('alert').first().textContent()).to.contain('clashes with other sessions');
    expect(await page.getByRole('main').textContent()).to.contain('Use of force');
    expect(await page.locator('#room').inputValue()).to.equal('Room A');
    expect(await accessibilityViolations(page)).to.deep.equal([]);

    await page.getByLabel('Save even though a trainer or the room is booked at the same time').check();
    await page.getByLabel('Reason for overriding').fill('Joint exercise of both groups');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/sessions\/[0-9a-f]{24}$/);
    expect(await page.getByRole('status').first().textContent()).to.contain('The session was scheduled.');
    const main = await page.getByRole('main').textContent();
    expect(main).to.contain('Joint exercise of both groups');
    expect(main).to.contain('10:00–12:00 (Asia/Almaty)');
    const saved = await TrainingSession.findOne({ module: module._id }).orFail();
    expect(saved.days[0]!.startsAt.toISOString()).to.equal(`${day}T05:00:00.000Z`);
    expect(saved.conflictOverrides).to.have.length(1);
    await page.close();
  });

  it('the sign-in page is accessible and a wrong password is announced', async () => {
    const page = await harness.newPage();
    await page.goto(`${harness.baseUrl}/login`);
    expect(await accessibilityViolations(page)).to.deep.equal([]);
    await page.getByLabel('E-mail').fill('nobody@example.org');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).to.contain('not right');
    await page.close();
  });
});

describe('the accessibility check', function () {
  this.timeout(60_000);
  let harness: BrowserHarness;
  before(async function () {
    requireChromium(this);
    harness = await startHarness();
  });
  after(async () => harness?.close());

  it('finds a form field without a label, so a clean result above means something', async () => {
    const page = await harness.newPage();
    await page.setContent('<!doctype html><html lang="en"><title>x</title><main><input type="text"></main></html>');
    const violations = await accessibilityViolations(page);
    expect(violations.join('\n')).to.contain('label');
  });
});
