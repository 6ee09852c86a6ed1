import { Router, type Request, type Response } from 'express';
import { formatInstant } from '../sessions/session-times.ts';
import { requireUser } from '../access/guards.ts';
import { FieldValidationError, forbidden } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { typedValues, type FormRefusal } from '../http/form.ts';
import { pageNumber, parse } from '../http/validate.ts';
import { scopeLabelKey, scopesFor } from './api-scopes.ts';
import { createToken, LIVE_TOKENS_MAX, ownToken, revokeToken, stateOf, tokensOf } from './api-tokens.service.ts';
import { DEFAULT_LIFETIME, LIFETIMES, tokenSchema } from './api-tokens.schemas.ts';

// A person's API tokens (decision 0022): the list with the form that makes one, the page that
// shows a new token's secret once, and revoking with a confirmation. For those who may hold a
// scope (api-scopes.ts); anyone else is refused.

const requireScopes = (req: Request) => {
  if (scopesFor(req.user!).length === 0) throw forbidden('api:errors.noScopes');
};

/** An instant as the tokens page shows it, in the reader's language, in UTC and saying so. */
const whenIn = (language: string) => (at: Date | undefined | null) => (at ? formatInstant(at, 'UTC', language) : '');

async function renderTokens(req: Request, res: Response, refusal?: FormRefusal) {
  const page = await tokensOf(req.user!, parse(pageNumber(), req.query.page));
  const now = new Date();
  res.set('Cache-Control', 'no-store');
  res.render('account/tokens', {
    title: req.t('api:tokens.title'),
    page,
    filter: {},
    stateOf: (token: Parameters<typeof stateOf>[0]) => stateOf(token, now),
    when: whenIn(req.language),
    scopes: scopesFor(req.user!),
    scopeLabelKey,
    lifetimes: LIFETIMES,
    maxTokens: LIVE_TOKENS_MAX,
    values: refusal?.values ?? { days: DEFAULT_LIFETIME, scopes: [] },
    errors: refusal?.errors ?? {},
  });
}

export function apiTokensRouter(): Router {
  const router = Router();

  router.get('/account/tokens', requireUser, async (req, res) => {
    requireScopes(req);
    await renderTokens(req, res);
  });

  // the secret is shown in the answer to this post and kept nowhere else: not in a redirect's
  // flash (stored with the login session), not in a log, and the page is not cached
  router.post('/account/tokens', requireUser, async (req, res) => {
    requireScopes(req);
    try {
      const { secret, token } = await createToken(req.user!, parse(tokenSchema, req.body));
      res.status(201).set('Cache-Control', 'no-store');
      res.render('account/token-made', {
        title: req.t('api:made.title'),
        secret,
        token,
        when: whenIn(req.language),
      });
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(error.status);
      await renderTokens(req, res, { values: typedValues(req.body, ['scopes']), errors: error.fieldErrors });
    }
  });

  router.get('/account/tokens/:id/revoke', requireUser, async (req, res) => {
    const token = await ownToken(req.user!, String(req.params.id));
    if (token.revokedAt) return res.redirect(303, '/account/tokens');
    res.render('account/token-revoke', { title: req.t('api:revoke.title'), token });
  });

  router.post('/account/tokens/:id/revoke', requireUser, async (req, res) => {
    const token = await revokeToken(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'api:revoke.done', params: { name: token.name } });
    res.redirect(303, '/account/tokens');
  });

  return router;
}
