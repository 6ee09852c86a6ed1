import { Router, type Request, type Response } from 'express';
import { hasRole } from '../access/actor.ts';
import { requireRole } from '../access/guards.ts';
import { listCountryOptions } from './countries.service.ts';
import { handleForm } from '../http/form.ts';
import { flash } from '../http/flash.ts';
import { TIME_ZONES } from '../i18n/time-zones.ts';
import { INSTITUTION_TYPES } from './institution.model.ts';
import { institutionFilterSchema, institutionSchema } from './institutions.schemas.ts';
import {
  createInstitution,
  getInstitution,
  listInstitutions,
  setInstitutionActive,
  updateInstitution,
  type InstitutionMembers,
} from './institutions.service.ts';

const readers = requireRole('admin', 'coordinator', 'trainer');
const admins = requireRole('admin');

async function renderForm(req: Request, res: Response, view: 'new' | 'edit', locals: Record<string, unknown>) {
  res.render(`institutions/${view}`, {
    title: req.t(view === 'new' ? 'institutions:new.title' : 'institutions:edit.title'),
    countries: await listCountryOptions(),
    types: INSTITUTION_TYPES,
    timeZones: TIME_ZONES,
    ...locals,
  });
}

export function institutionsRouter(members: InstitutionMembers): Router {
  const router = Router();

  router.get('/institutions', readers, async (req, res) => {
    const filter = institutionFilterSchema.parse(req.query);
    const [page, countries] = await Promise.all([listInstitutions(req.user!, filter), listCountryOptions()]);
    res.render('institutions/index', {
      title: req.t('institutions:list.title'),
      page,
      filter,
      countries,
      types: INSTITUTION_TYPES,
    });
  });

  router.get('/institutions/new', admins, async (req, res) => {
    await renderForm(req, res, 'new', { values: { timeZone: '' } });
  });

  router.post('/institutions', admins, async (req, res) => {
    await handleForm(req, res, {
      schema: institutionSchema,
      save: (input) => createInstitution(req.user!, input),
      success: (institution) => ({
        flash: { key: 'institutions:created', params: { name: institution.name } },
        redirect: `/institutions/${institution.id}`,
      }),
      refused: (refusal) => renderForm(req, res, 'new', refusal),
    });
  });

  router.get('/institutions/:id', readers, async (req, res) => {
    const institution = await getInstitution(req.user!, String(req.params.id));
    // trainers may read institutions but not people: no count, no link for them
    const peopleCount = hasRole(req.user!, 'admin', 'coordinator')
      ? await members.countActive(institution.id as string)
      : undefined;
    await institution.populate('country', 'code name');
    res.render('institutions/show', { title: institution.name, institution, peopleCount });
  });

  router.get('/institutions/:id/edit', admins, async (req, res) => {
    const institution = await getInstitution(req.user!, String(req.params.id));
    const values = {
      ...institution.toObject(),
      country: institution.country?.toHexString(),
      revision: String(institution.__v),
    };
    await renderForm(req, res, 'edit', { institution, values });
  });

  router.post('/institutions/:id', admins, async (req, res) => {
    const id = String(req.params.id);
    await handleForm(req, res, {
      schema: institutionSchema,
      save: (input) => updateInstitution(req.user!, id, input, members),
      success: (institution) => ({
        flash: { key: 'institutions:updated', params: { name: institution.name } },
        redirect: `/institutions/${institution.id}`,
      }),
      currentRevision: async () => (await getInstitution(req.user!, id)).__v,
      refused: async (refusal) =>
        renderForm(req, res, 'edit', { institution: await getInstitution(req.user!, id), ...refusal }),
    });
  });

  router.get('/institutions/:id/deactivate', admins, async (req, res) => {
    const institution = await getInstitution(req.user!, String(req.params.id));
    if (!institution.active) return res.redirect(303, `/institutions/${institution.id}`);
    res.render('institutions/deactivate', { title: req.t('institutions:deactivate.title'), institution });
  });

  router.post('/institutions/:id/deactivate', admins, async (req, res) => {
    const institution = await setInstitutionActive(req.user!, String(req.params.id), false);
    flash(req.session, { type: 'success', key: 'institutions:deactivated', params: { name: institution.name } });
    res.redirect(303, `/institutions/${institution.id}`);
  });

  router.post('/institutions/:id/activate', admins, async (req, res) => {
    const institution = await setInstitutionActive(req.user!, String(req.params.id), true);
    flash(req.session, { type: 'success', key: 'institutions:activated', params: { name: institution.name } });
    res.redirect(303, `/institutions/${institution.id}`);
  });

  return router;
}
