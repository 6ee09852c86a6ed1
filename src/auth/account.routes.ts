import { Router } from 'express';
import { linkBaseUrl, type Config } from '../config.ts';
import { FieldValidationError, HttpError } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import { parse } from '../http/validate.ts';
import { keepLanguageChoice } from '../i18n/language-cookie.ts';
import { preferencesSchema } from '../people/people.schemas.ts';
import { getPerson, setOwnLanguage } from '../people/people.service.ts';
import { changePasswordSchema, resetPasswordSchema } from './auth.schemas.ts';
import { changeOwnPassword, findByResetToken, issuePasswordReset, resetPassword } from './account.service.ts';
import { requireUser, safeReturnTo } from '../access/guards.ts';

export function accountRouter(config: Config): Router {
  const router = Router();
  const cost = config.passwordHashCost;

  router.get('/account', requireUser, (req, res) => {
    res.render('account/show', { title: req.t('auth:account.title') });
  });

  // the language switcher in every page's footer: signed-in people post a change of their stored
  // preference (with the CSRF token); visitors send a plain GET that only sets a cookie in their
  // browser, so no login session is stored for them (src/i18n/language-cookie.ts)
  router.post('/language', async (req, res) => {
    const { language } = parse(preferencesSchema, { language: req.body?.language });
    if (req.user) await setOwnLanguage(req.user, language);
    else keepLanguageChoice(req, res, language);
    res.redirect(303, safeReturnTo(req.body?.returnTo));
  });

  router.get('/language', (req, res) => {
    const { language } = parse(preferencesSchema, { language: req.query.language });
    keepLanguageChoice(req, res, language);
    res.redirect(303, safeReturnTo(req.query.returnTo));
  });

  router.get('/account/password', requireUser, (req, res) => {
    res.render('account/password', { title: req.t('auth:password.changeTitle') });
  });

  router.post('/account/password', requireUser, (req, res) =>
    handleForm(req, res, {
      schema: changePasswordSchema,
      save: async (input) => {
        await changeOwnPassword(req.user!, input.currentPassword, input.newPassword, cost);
        // keep this session alive under the new authVersion; every other session has ended
        await new Promise<void>((resolve, reject) =>
          req.login({ ...req.user!, mustChangePassword: false }, (error) => (error ? reject(error) : resolve())),
        );
        req.session.signedInAt = Date.now();
      },
      success: () => ({ flash: { key: 'auth:password.changed' }, redirect: '/account' }),
      // passwords are never typed back into a page: only the messages
      refused: async ({ errors }) => {
        res.render('account/password', { title: req.t('auth:password.changeTitle'), errors });
      },
    }),
  );

  router.get('/reset-password/:token', async (req, res) => {
    const user = await findByResetToken(req.params.token);
    res.set('Cache-Control', 'no-store'); // the page's address is a secret
    res.status(user ? 200 : 404).render('auth/reset', { title: req.t('auth:reset.title'), valid: Boolean(user) });
  });

  // not handleForm: a link that is unknown, used or expired is its own page (404), found only
  // when saving, not a message on the form
  router.post('/reset-password/:token', async (req, res) => {
    try {
      const input = parse(resetPasswordSchema, req.body);
      const done = await resetPassword(req.params.token, input.newPassword, cost);
      if (!done) return res.status(404).render('auth/reset', { title: req.t('auth:reset.title'), valid: false });
      flash(req.session, { type: 'success', key: 'auth:reset.done' });
      res.redirect(303, '/login');
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res
        .status(422)
        .render('auth/reset', { title: req.t('auth:reset.title'), valid: true, errors: error.fieldErrors });
    }
  });

  // the link is shown once, to the person who issued it, to hand over in person; its address
  // comes from the configuration, never from the request's Host header; who may have one issued
  // is the person policy's (404 for someone unseen, 403 with the reason for someone only seen)
  router.post('/people/:id/reset-link', requireUser, async (req, res) => {
    const base = linkBaseUrl(config);
    const person = await getPerson(req.user!, String(req.params.id), 'issuePasswordLink');
    if (!base) throw new HttpError(503, 'people:reset.noPublicUrl');
    const { token, expiresAt } = await issuePasswordReset(req.user!, person.id);
    res.render('people/reset-link', {
      title: req.t('people:reset.title'),
      person,
      link: `${base}/reset-password/${token}`,
      expiresAt,
    });
  });

  return router;
}
