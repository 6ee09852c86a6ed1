import { Router, type Request, type RequestHandler, type Response } from 'express';
import { requireRole, requireUser } from '../access/guards.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import { TIME_ZONES } from '../i18n/time-zones.ts';
import { countrySchema } from './countries.schemas.ts';
import { countInstitutions, deleteCountry, getCountry, listCountries, saveCountry } from './countries.service.ts';

// the list and a new country concern no country: the role is enough; a country's own routes load
// it first and ask the country policy (404 when there is none, 403 for all but admins)
const admins = requireRole('admin');

/** The country of the path, if the actor may change it: checked before any form is read. */
const changeable: RequestHandler = async (req, res, next) => {
  await getCountry(req.user!, String(req.params.id), 'update');
  next();
};

function renderForm(req: Request, res: Response, locals: Record<string, unknown>) {
  res.render('countries/form', {
    title: req.t(locals.country ? 'countries:edit.title' : 'countries:new.title'),
    timeZones: TIME_ZONES,
    ...locals,
  });
}

export function countriesRouter(): Router {
  const router = Router();

  router.get('/countries', admins, async (req, res) => {
    res.render('countries/index', { title: req.t('countries:list.title'), countries: await listCountries() });
  });

  router.get('/countries/new', admins, (req, res) => renderForm(req, res, { values: { timeZone: '' } }));

  router.get('/countries/:id/edit', requireUser, async (req, res) => {
    const country = await getCountry(req.user!, String(req.params.id), 'update');
    renderForm(req, res, { country, values: country.toObject() });
  });

  const save = (idOf: (req: Request) => string | undefined) => (req: Request, res: Response) => {
    const id = idOf(req);
    return handleForm(req, res, {
      schema: countrySchema,
      save: (input) => saveCountry(req.user!, id, input),
      success: (country) => ({
        flash: { key: 'countries:saved', params: { name: country.name } },
        redirect: '/countries',
      }),
      refused: async (refusal) =>
        renderForm(req, res, { country: id ? await getCountry(req.user!, id) : undefined, ...refusal }),
    });
  };
  router.post(
    '/countries',
    admins,
    save(() => undefined),
  );
  router.post(
    '/countries/:id',
    requireUser,
    changeable,
    save((req) => String(req.params.id)),
  );

  // deleting is for a country entered by mistake: the page says so when institutions use it
  router.get('/countries/:id/delete', requireUser, async (req, res) => {
    const country = await getCountry(req.user!, String(req.params.id), 'update');
    res.render('countries/delete', {
      title: req.t('countries:delete.title'),
      country,
      institutionCount: await countInstitutions(country._id),
    });
  });

  router.post('/countries/:id/delete', requireUser, async (req, res) => {
    const country = await deleteCountry(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'countries:deleted', params: { name: country.name } });
    res.redirect(303, '/countries');
  });

  return router;
}
