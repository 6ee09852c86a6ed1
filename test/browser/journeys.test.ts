import { expect } from 'chai';
import { User } from '../../src/users/user.model.ts';
import { buildInstitution, buildUser, DEFAULT_PASSWORD } from '../support/factories.ts';
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
    expect(await User.exists({ email: 'grace@example.org', gender: 'female' })).to.not.equal(null);
    await page.close();
  });

  it('a person switches to Arabic without JavaScript: the page turns right-to-left and stays accessible', async () => {
    const staff = await buildUser({ roles: ['coordinator'] });
    const context = await harness.browser.newContext({ javaScriptEnabled: false, bypassCSP: true });
    const page = await context.newPage();
    await signInAs(page, harness.baseUrl, staff.email!, DEFAULT_PASSWORD);
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('button', { name: 'Change' }).click();
    await page.waitForLoadState();
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    expect(await page.locator('html').getAttribute('lang')).to.equal('ar');
    expect((await User.findById(staff._id).lean())?.language).to.equal('ar');
    await context.close();

    const checked = await harness.newPage();
    await signInAs(checked, harness.baseUrl, staff.email!, DEFAULT_PASSWORD);
    await checked.goto(`${harness.baseUrl}/people`);
    expect(await checked.locator('html').getAttribute('dir')).to.equal('rtl');
    expect(await accessibilityViolations(checked)).to.deep.equal([]);
    await checked.close();
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
