import { Router, type Request, type RequestHandler, type Response } from 'express';
import { linkBaseUrl, type Config } from '../config.ts';
import { ROLES } from '../access/actor.ts';
import { requireRole, requireUser } from '../access/guards.ts';
import { assignableRoles, isPeopleManager, personPolicy } from '../access/person.policy.ts';
import { can } from '../access/policy.ts';
import { forbidden, type FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { LANGUAGES } from '../i18n/i18n.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';
import { GENDERS, type Person } from './person.model.ts';
import { peopleFilterSchema, personSchema } from './people.schemas.ts';
import { peopleExport } from './people-export.ts';
import { sendAuditedExport } from '../exports/audited-export.ts';
import { createPerson, getPerson, listPeople, personViewed, setPersonActive, updatePerson } from './people.service.ts';
import { handleForm } from '../http/form.ts';

// the list and a new person concern no one in particular: the role is enough; a person's own
// routes load them first and ask the person policy (404 when unseen, 403 when only seen)
const staffManagers = requireRole('admin', 'coordinator');

/** The person of the path, if the actor may change them: checked before any form is read. */
const changeable: RequestHandler = async (req, res, next) => {
  await getPerson(req.user!, String(req.params.id), 'update');
  next();
};

type Person = InstanceType<typeof Person>;

type FormLocals = { person?: Person; values: Record<string, unknown>; errors?: FieldErrors };

async function renderForm(req: Request, res: Response, view: 'new' | 'edit', locals: FormLocals) {
  const person = locals.person;
  // a person may stay in a deactivated institution: keep it selectable in their own form
  const keep = person
    ? [person.institution?.toHexString(), ...person.scopeInstitutions.map((id) => id.toHexString())]
    : [];
  res.render(`people/${view}`, {
    title: req.t(view === 'new' ? 'people:new.title' : 'people:edit.title'),
    institutions: await listInstitutionOptions(req.user!, { keep }),
    roles: assignableRoles(req.user!),
    genders: GENDERS,
    languages: LANGUAGES,
    ...locals,
  });
}

const LIST_FIELDS = ['roles', 'scopeInstitutions'];

export function peopleRouter(config: Config): Router {
  const router = Router();

  router.get('/people', staffManagers, async (req, res) => {
    const filter = peopleFilterSchema.parse(req.query);
    const [page, institutions] = await Promise.all([
      listPeople(req.user!, filter),
      listInstitutionOptions(req.user!, { includeInactive: true }),
    ]);
    res.render('people/index', {
      title: req.t('people:list.title'),
      page,
      filter,
      institutions,
      roles: ROLES,
      genders: GENDERS,
    });
  });

  // the list as a file, with the list's filters (decision 0019)
  router.get('/people/export', staffManagers, async (req, res) => {
    const filter = peopleFilterSchema.parse(req.query);
    await sendAuditedExport(req, res, {
      action: 'export.people',
      name: 'people',
      ...peopleExport(req.user!, filter, req.t),
      filters: filter,
    });
  });

  router.get('/people/new', staffManagers, async (req, res) => {
    const user = req.user!;
    await renderForm(req, res, 'new', {
      values: {
        roles: ['staff'],
        scopeInstitutions: [],
        gender: 'undisclosed',
        language: user.language,
        institution: user.institutionId,
      },
    });
  });

  router.post('/people', staffManagers, (req, res) =>
    handleForm(req, res, {
      schema: personSchema,
      save: (input) => createPerson(req.user!, input),
      success: (person) => ({
        flash: { key: 'people:created', params: { name: person.fullName } },
        redirect: `/people/${person.id}`,
      }),
      refused: (refusal) => renderForm(req, res, 'new', refusal),
      listFields: LIST_FIELDS,
    }),
  );

  router.get('/people/:id', requireUser, async (req, res) => {
    const person = await getPerson(req.user!, String(req.params.id));
    // the people pages are for admins and coordinators; others learn no more than that the person exists
    if (!isPeopleManager(req.user!)) throw forbidden();
    await personViewed(req.user!, person._id, person.institution);
    // decided on the stored ids, before populate turns them into documents
    const manageable = can(req.user!, personPolicy, 'update', person);
    const records = can(req.user!, personPolicy, 'recordQualifications', person);
    await person.populate([
      { path: 'institution', select: 'name code active' },
      { path: 'scopeInstitutions', select: 'name code active' },
    ]);
    res.render('people/show', {
      title: person.fullName,
      person,
      canManage: manageable,
      canRecordQualifications: records,
      isSelf: person.id === req.user!.id,
      canIssueLinks: linkBaseUrl(config) !== undefined,
    });
  });

  router.get('/people/:id/edit', requireUser, async (req, res) => {
    const person = await getPerson(req.user!, String(req.params.id), 'update');
    const values = {
      ...person.toObject(),
      institution: person.institution?.toHexString(),
      scopeInstitutions: person.scopeInstitutions.map((id) => id.toHexString()),
      revision: String(person.profileRevision),
    };
    await renderForm(req, res, 'edit', { person, values });
  });

  router.post('/people/:id', requireUser, changeable, (req, res) => {
    const id = String(req.params.id);
    return handleForm(req, res, {
      schema: personSchema,
      save: (input) => updatePerson(req.user!, id, input),
      success: (person) => ({
        flash: { key: 'people:updated', params: { name: person.fullName } },
        redirect: `/people/${person.id}`,
      }),
      refused: async (refusal) => renderForm(req, res, 'edit', { person: await getPerson(req.user!, id), ...refusal }),
      listFields: LIST_FIELDS,
      currentRevision: async () => (await getPerson(req.user!, id)).profileRevision,
    });
  });

  router.get('/people/:id/deactivate', requireUser, async (req, res) => {
    const person = await getPerson(req.user!, String(req.params.id), 'deactivate');
    if (!person.active) return res.redirect(303, `/people/${person.id}`);
    res.render('people/deactivate', { title: req.t('people:deactivate.title'), person });
  });

  router.post('/people/:id/deactivate', requireUser, async (req, res) => {
    const person = await setPersonActive(req.user!, String(req.params.id), false);
    flash(req.session, { type: 'success', key: 'people:deactivated', params: { name: person.fullName } });
    res.redirect(303, `/people/${person.id}`);
  });

  router.post('/people/:id/activate', requireUser, async (req, res) => {
    const person = await setPersonActive(req.user!, String(req.params.id), true);
    flash(req.session, { type: 'success', key: 'people:activated', params: { name: person.fullName } });
    res.redirect(303, `/people/${person.id}`);
  });

  return router;
}
