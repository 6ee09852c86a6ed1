import { Router } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { tooManyRequests } from '../http/errors.ts';
import { formatDate } from '../sessions/session-times.ts';
import { verification } from './verification.ts';

// The public verification page of a certificate (/verify/<code>, the QR code's address): no
// sign-in, five facts and nothing more (verification.ts). Lookups are counted per address (30 a
// minute, in memory as sign-in throttling is: one app process serves a site), so the 2^128 codes
// cannot be walked even slowly from one place; beyond that the page says to wait (429). Nothing
// is cached or indexed: a revoked certificate must stop verifying at once, and a name must not
// end up in a search engine.

export const VERIFY_LOOKUPS_PER_MINUTE = 30;

export function verifyRouter(lookupsPerMinute = VERIFY_LOOKUPS_PER_MINUTE): Router {
  const router = Router();
  const limiter = new RateLimiterMemory({ keyPrefix: 'verify', points: lookupsPerMinute, duration: 60 });

  router.get('/verify/:code', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    try {
      await limiter.consume(req.ip ?? 'unknown');
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      req.log.warn({ event: 'verify.throttled', address: req.ip }, 'verification throttled');
      throw tooManyRequests('completions:verify.tooMany', {
        retryAfter: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
      });
    }
    const found = await verification(String(req.params.code), req.language);
    res.status(found ? 200 : 404).render('completions/verify', {
      title: req.t('completions:verify.title'),
      found,
      date: found ? formatDate(found.endedOn, 'UTC', req.language) : undefined,
    });
  });

  return router;
}
