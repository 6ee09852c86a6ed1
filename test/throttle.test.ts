import { expect } from 'chai';
import { DEFAULT_THROTTLE_LIMITS, SignInThrottle } from '../src/auth/sign-in-throttle.ts';

// Counting failed sign-ins per account and address, per address, and per account.

const ADDRESS = '192.0.2.1';
const OTHER_ADDRESS = '198.51.100.7';

async function fail(throttle: SignInThrottle, times: number, email: string, address = ADDRESS) {
  for (let i = 0; i < times; i++) await throttle.recordFailure(email, address);
}

describe('the sign-in throttle', () => {
  it('when nothing failed yet, a try is allowed at once', async () => {
    const throttle = new SignInThrottle();
    expect(await throttle.retryAfterSeconds('a@test.example', ADDRESS)).to.equal(0);
  });

  it('by default, allows 5 failures per account and address, 30 per address and 20 per account', () => {
    expect(DEFAULT_THROTTLE_LIMITS).to.deep.equal({ perAccountAndAddress: 5, perAddress: 30, perAccount: 20 });
  });

  it('when the default limit of 5 failures is reached, the sixth try waits about 15 minutes', async () => {
    const throttle = new SignInThrottle();
    await fail(throttle, 4, 'a@test.example');
    expect(await throttle.retryAfterSeconds('a@test.example', ADDRESS)).to.equal(0);
    await fail(throttle, 1, 'a@test.example');
    expect(await throttle.retryAfterSeconds('a@test.example', ADDRESS)).to.be.within(14 * 60, 15 * 60);
  });

  it('when one account is throttled from an address, other accounts and other addresses are not', async () => {
    const throttle = new SignInThrottle({ perAccountAndAddress: 3, perAddress: 100, perAccount: 100 });
    await fail(throttle, 3, 'a@test.example');
    expect(await throttle.retryAfterSeconds('a@test.example', ADDRESS)).to.be.greaterThan(0);
    expect(await throttle.retryAfterSeconds('b@test.example', ADDRESS)).to.equal(0);
    expect(await throttle.retryAfterSeconds('a@test.example', OTHER_ADDRESS)).to.equal(0);
  });

  it('when failures come from one address against many accounts, that address is throttled for an hour', async () => {
    const throttle = new SignInThrottle({ perAccountAndAddress: 100, perAddress: 3, perAccount: 100 });
    for (const email of ['a@test.example', 'b@test.example', 'c@test.example']) await fail(throttle, 1, email);
    expect(await throttle.retryAfterSeconds('d@test.example', ADDRESS)).to.be.within(59 * 60, 3600);
    expect(await throttle.retryAfterSeconds('d@test.example', OTHER_ADDRESS)).to.equal(0);
  });

  it('when guesses at one account come from many addresses, that account is throttled everywhere', async () => {
    const throttle = new SignInThrottle({ perAccountAndAddress: 100, perAddress: 100, perAccount: 3 });
    for (const address of ['192.0.2.10', '192.0.2.11', '192.0.2.12'])
      await fail(throttle, 1, 'a@test.example', address);
    expect(await throttle.retryAfterSeconds('a@test.example', '203.0.113.99')).to.be.within(59 * 60, 3600);
    expect(await throttle.retryAfterSeconds('b@test.example', '203.0.113.99')).to.equal(0);
  });

  it('when a sign-in succeeds, the account-and-address count starts again', async () => {
    const throttle = new SignInThrottle({ perAccountAndAddress: 3, perAddress: 100, perAccount: 100 });
    await fail(throttle, 2, 'a@test.example');
    await throttle.recordSuccess('a@test.example', ADDRESS);
    await fail(throttle, 2, 'a@test.example');
    expect(await throttle.retryAfterSeconds('a@test.example', ADDRESS)).to.equal(0);
  });

  it('when a sign-in succeeds, the per-account count from elsewhere is kept', async () => {
    const throttle = new SignInThrottle({ perAccountAndAddress: 100, perAddress: 100, perAccount: 3 });
    await fail(throttle, 2, 'a@test.example', OTHER_ADDRESS);
    await throttle.recordSuccess('a@test.example', ADDRESS);
    await fail(throttle, 1, 'a@test.example', OTHER_ADDRESS);
    expect(await throttle.retryAfterSeconds('a@test.example', ADDRESS)).to.be.greaterThan(0);
  });

  it('when failures go on past the limit, recording them never throws', async () => {
    const throttle = new SignInThrottle({ perAccountAndAddress: 2, perAddress: 2, perAccount: 2 });
    await fail(throttle, 10, 'a@test.example');
    expect(await throttle.retryAfterSeconds('a@test.example', ADDRESS)).to.be.greaterThan(0);
  });

  it('when two throttles exist (two apps in one process), they count separately', async () => {
    const first = new SignInThrottle({ perAccountAndAddress: 1, perAddress: 100, perAccount: 100 });
    const second = new SignInThrottle({ perAccountAndAddress: 1, perAddress: 100, perAccount: 100 });
    await fail(first, 1, 'a@test.example');
    expect(await first.retryAfterSeconds('a@test.example', ADDRESS)).to.be.greaterThan(0);
    expect(await second.retryAfterSeconds('a@test.example', ADDRESS)).to.equal(0);
  });
});
