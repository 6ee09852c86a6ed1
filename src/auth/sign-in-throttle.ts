import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

// Failed sign-ins are counted per account and address (5 in 15 minutes), per address
// (30 an hour) and per account from anywhere (20 an hour, against spread-out guessing).
// Counters live in memory: FerretDB has no TTL index for a shared store, and one app
// process serves a training centre. See docs/decisions/0004-sign-in-throttling.md.

export type ThrottleLimits = { perAccountAndAddress: number; perAddress: number; perAccount: number };
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { perAccountAndAddress: 5, perAddress: 30, perAccount: 20 };

export class SignInThrottle {
  private readonly byAccountAndAddress: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;
  private readonly byAccount: RateLimiterMemory;

  constructor(limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {
    this.byAccountAndAddress = new RateLimiterMemory({
      keyPrefix: 'acct-addr',
      points: limits.perAccountAndAddress,
      duration: 15 * 60,
      blockDuration: 15 * 60,
    });
    this.byAddress = new RateLimiterMemory({
      keyPrefix: 'addr',
      points: limits.perAddress,
      duration: 3600,
      blockDuration: 3600,
    });
    this.byAccount = new RateLimiterMemory({
      keyPrefix: 'acct',
      points: limits.perAccount,
      duration: 3600,
      blockDuration: 3600,
    });
  }

  /** Seconds until another try is allowed, or 0 when it is allowed now. */
  async retryAfterSeconds(email: string, address: string): Promise<number> {
    const results = await Promise.all([
      this.byAccountAndAddress.get(`${email}|${address}`),
      this.byAddress.get(address),
      this.byAccount.get(email),
    ]);
    const limits = [this.byAccountAndAddress.points, this.byAddress.points, this.byAccount.points];
    let wait = 0;
    results.forEach((result, i) => {
      if (result && result.consumedPoints >= (limits[i] ?? 0))
        wait = Math.max(wait, Math.ceil(result.msBeforeNext / 1000));
    });
    return wait;
  }

  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.all([
      this.byAccountAndAddress.consume(`${email}|${address}`),
      this.byAddress.consume(address),
      this.byAccount.consume(email),
    ]).catch((error: unknown) => {
      if (!(error instanceof RateLimiterRes)) throw error;
    });
  }

  async recordSuccess(email: string, address: string): Promise<void> {
    await this.byAccountAndAddress.delete(`${email}|${address}`);
  }
}
