import { Router, type Request, type RequestHandler, type Response } from 'express';
import { hasRole, type Role } from '../access/actor.ts';
import { requireRole, requireUser } from '../access/guards.ts';
import { forbidden } from '../http/errors.ts';
import { listCountryOptions } from './countries.service.ts';
import { handleForm } from '../http/form.ts';
import { flash } from '../http/flash.ts';
import { TIME_ZONES } from '../i18n/time-zones.ts';
import { INSTITUTION_TYPES } from './institution.model.ts';
import { institutionFilterSchema, institutionSchema, MAX_SIGNATORIES } from './institutions.schemas.ts';
import {
  createInstitution,
  getInstitution,
  listInstitutions,
  setInstitutionActive,
  updateInstitution,
  type InstitutionMembers,
} from './institutions.service.ts';

// the list and a new institution concern no institution: the role is enough; an institution's
// own routes load it first and ask the institution policy (404 when unseen, 403 when only seen)
const READER_ROLES: Role[] = ['admin', 'coordinator', 'trainer'];
const readers = requireRole(...READER_ROLES);
const admins = requireRole('admin');
/** the signatory rows, kept as typed when the form comes back */
const LIST_FIELDS = ['signatoryName', 'signatoryRole'];

/** The institution of the path, if the actor may change it: checked before any form is read. */
const changeable: RequestHandler = async (req, res, next) => {
  await getInstitution(req.user!, String(req.params.id), 'update');
  next();
};

async function renderForm(req: Request, res: Response, view: 'new' | 'edit', locals: Record<string, unknown>) {
  res.render(`institutions/${view}`, {
    title: req.t(view === 'new' ? 'institutions:new.title' : 'institutions:edit.title'),
    countries: await listCountryOptions(),
    types: INSTITUTION_TYPES,
    timeZones: TIME_ZONES,
    signatoryRows: MAX_SIGNATORIES,
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
      listFields: LIST_FIELDS,
    });
  });

  router.get('/institutions/:id', requireUser, async (req, res) => {
    const institution = await getInstitution(req.user!, String(req.params.id));
    // staff see their institution on other pages, not this one
    if (!hasRole(req.user!, ...READER_ROLES)) throw forbidden();
    // trainers may read institutions but not people: no count, no link for them
    const peopleCount = hasRole(req.user!, 'admin', 'coordinator')
      ? await members.countActive(institution.id as string)
      : undefined;
    await institution.populate('country', 'code name');
    res.render('institutions/show', { title: institution.name, institution, peopleCount });
  });

  router.get('/institutions/:id/edit', requireUser, async (req, res) => {
    const institution = await getInstitution(req.user!, String(req.params.id), 'update');
    const values = {
      ...institution.toObject(),
      country: institution.country?.toHexString(),
      signatoryName: institution.signatories.map((signatory) => signatory.name),
      signatoryRole: institution.signatories.map((signatory) => signatory.role),
      revision: String(institution.__v),
    };
    await renderForm(req, res, 'edit', { institution, values });
  });

  router.post('/institutions/:id', requireUser, changeable, async (req, res) => {
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
      listFields: LIST_FIELDS,
    });
  });

  router.get('/institutions/:id/deactivate', requireUser, async (req, res) => {
    const institution = await getInstitution(req.user!, String(req.params.id), 'update');
    if (!institution.active) return res.redirect(303, `/institutions/${institution.id}`);
    res.render('institutions/deactivate', { title: req.t('institutions:deactivate.title'), institution });
  });

  router.post('/institutions/:id/deactivate', requireUser, async (req, res) => {
    const institution = await setInstitutionActive(req.user!, String(req.params.id), false);
    flash(req.session, { type: 'success', key: 'institutions:deactivated', params: { name: institution.name } });
    res.redirect(303, `/institutions/${institution.id}`);
  });

  router.post('/institutions/:id/activate', requireUser, async (req, res) => {
    const institution = await setInstitutionActive(req.user!, String(req.params.id), true);
    flash(req.session, { type: 'success', key: 'institutions:activated', params: { name: institution.name } });
    res.redirect(303, `/institutions/${institution.id}`);
  });

  return router;
}
