import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config.ts';
import { requireUser } from '../access/guards.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import { parse } from '../http/validate.ts';
import { DiskStorage } from '../storage/disk-storage.ts';
import { sendStoredFile } from '../storage/download.ts';
import { formRefusal, resourceFormOptions, type FormRefusal } from './resource-forms.ts';
import { deleteResource, replaceFile, updateDetails, uploadResources } from './resource-changes.service.ts';
import { detailsSchema, uploadSchema, versionNumber } from './resources.schemas.ts';
import {
  getDownload,
  getEditableResource,
  getModuleForUpload,
  getVisibleResource,
  listVersions,
  type ModuleOwner,
  type VisibleResource,
} from './resources.service.ts';
import { discardUploads, MAX_FILES, parseUpload, uploadedFiles } from '../storage/upload.ts';
import { moduleTimeZone } from '../modules/module-lookups.service.ts';
import { leftToRight } from '../i18n/i18n.ts';
import { DateTime } from 'luxon';
import { translateIsolated } from '../http/bidi.ts';

// Materials of a module: upload, details, new versions, deletion, downloads. Upload forms are
// multipart: their CSRF token travels in the action's query string and is checked before
// anything here runs; the module or resource is then checked before multer writes a byte.

const id = (req: Request) => String(req.params.id);

/** Where "back" goes: the module page for its editors, the catalogue page for everyone else. */
const moduleUrl = (module: ModuleOwner, canEdit: boolean) =>
  `${canEdit ? '/modules' : '/catalogue'}/${module._id.toHexString()}`;

export function resourcesRouter(config: Config): Router {
  const router = Router();
  const storage = new DiskStorage(config.uploadsDir);
  const options = (req: Request) => resourceFormOptions(config, req.language);

  const renderUploadForm = (req: Request, res: Response, module: ModuleOwner, refusal?: FormRefusal) =>
    res.render('resources/new', {
      title: req.t('resources:new.title'),
      module,
      ...options(req),
      values: refusal ? refusal.values : { audience: 'participants', language: req.language },
      ...refusal,
    });

  const renderDetails = async (req: Request, res: Response, found: VisibleResource, refusal?: FormRefusal) => {
    // upload times in the zone of the module's institution (or the reader's), named on the page
    const { zone, of } = await moduleTimeZone(found.module, req.user!);
    const when = (at: Date) =>
      leftToRight(DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm'), req.language);
    return res.render('resources/show', {
      title: found.resource.title,
      when,
      timesIn: translateIsolated(req.t, `resources:show.timesIn.${of}`, { zone }),
      ...found,
      versions: await listVersions(req.user!, found),
      back: moduleUrl(found.module, found.canEdit),
      ...options(req),
      ...refusal,
    });
  };

  /** Re-renders the form of a refused upload beside its file field; other errors go on. */
  const onRefusal =
    (render: (req: Request, res: Response, refusal: FormRefusal) => unknown): ErrorRequestHandler =>
    async (error, req, res, next) => {
      const refusal = formRefusal(error, req.body);
      if (!refusal) return next(error);
      await discardUploads(req); // before answering: the person may look at once
      // what was refused and why (a program, a script…): a refusal is a security event
      const reasons = [...Object.values(refusal.errors), ...refusal.fileProblems].map((e) => e.key);
      req.log.warn({ status: refusal.status, reasons, userId: req.user?.id }, 'upload refused');
      res.status(refusal.status);
      await render(req, res, refusal);
    };

  const uploadTarget: RequestHandler = async (req, res, next) => {
    res.locals.module = await getModuleForUpload(req.user!, id(req));
    next();
  };
  const editableResource =
    (action: 'update' | 'delete' = 'update'): RequestHandler =>
    async (req, res, next) => {
      res.locals.found = await getEditableResource(req.user!, id(req), action);
      next();
    };

  router.get('/modules/:id/resources/new', requireUser, uploadTarget, (req, res) => {
    renderUploadForm(req, res, res.locals.module as ModuleOwner);
  });

  router.post(
    '/modules/:id/resources',
    requireUser,
    uploadTarget,
    parseUpload(config.uploadsDir, config.uploadMaxBytes, 'files', MAX_FILES),
    async (req: Request, res: Response) => {
      const input = parse(uploadSchema, req.body);
      const created = await uploadResources(storage, req.user!, id(req), input, uploadedFiles(req));
      flash(req.session, { type: 'success', key: 'resources:uploaded', params: { count: created.length } });
      const module = res.locals.module as ModuleOwner;
      res.redirect(303, created.length === 1 ? `/resources/${created[0]!.id}` : `${moduleUrl(module, true)}#materials`);
    },
    onRefusal((req, res, refusal) => renderUploadForm(req, res, res.locals.module as ModuleOwner, refusal)),
  );

  router.get('/resources/:id', requireUser, async (req, res) => {
    await renderDetails(req, res, await getVisibleResource(req.user!, id(req)));
  });

  router.post(
    '/resources/:id/versions',
    requireUser,
    editableResource(),
    parseUpload(config.uploadsDir, config.uploadMaxBytes, 'file', 1),
    async (req: Request, res: Response) => {
      const { version } = await replaceFile(storage, req.user!, id(req), uploadedFiles(req));
      flash(req.session, { type: 'success', key: 'resources:replace.done', params: { version } });
      res.redirect(303, `/resources/${id(req)}`);
    },
    onRefusal((req, res, refusal) => renderDetails(req, res, res.locals.found as VisibleResource, refusal)),
  );

  router.get('/resources/:id/edit', requireUser, editableResource(), (req, res) => {
    const { resource } = res.locals.found as VisibleResource;
    res.render('resources/edit', { title: req.t('resources:edit.title'), resource, values: resource, ...options(req) });
  });

  // the details are a plain form; the uploads above are multipart, refused file by file (onRefusal)
  router.post('/resources/:id', requireUser, editableResource(), (req, res) =>
    handleForm(req, res, {
      schema: detailsSchema,
      save: (input) => updateDetails(req.user!, id(req), input),
      success: (resource) => ({
        flash: { key: 'resources:updated', params: { title: resource.title } },
        redirect: `/resources/${resource.id}`,
      }),
      refused: async (refusal) => {
        const { resource } = res.locals.found as VisibleResource;
        res.render('resources/edit', { title: req.t('resources:edit.title'), resource, ...options(req), ...refusal });
      },
    }),
  );

  router.get('/resources/:id/delete', requireUser, editableResource('delete'), (req, res) => {
    res.render('resources/delete', {
      title: req.t('resources:delete.title'),
      ...(res.locals.found as VisibleResource),
    });
  });

  router.post('/resources/:id/delete', requireUser, editableResource('delete'), async (req, res) => {
    const resource = await deleteResource(storage, req.user!, id(req));
    flash(req.session, { type: 'success', key: 'resources:deleted', params: { title: resource.title } });
    res.redirect(303, `/modules/${resource.module.toHexString()}#materials`);
  });

  const download =
    (version: (req: Request) => number | undefined): RequestHandler =>
    async (req, res) => {
      const file = await getDownload(req.user!, id(req), version(req));
      // who fetched which material: the start of each download, not every range of a video
      if (!/^bytes=(?!0-)/.test(req.get('range') ?? '')) {
        req.log.info({ resource: id(req), version: file.version, userId: req.user!.id }, 'material downloaded');
      }
      await sendStoredFile(req, res, storage, file);
    };
  router.get(
    '/resources/:id/download',
    requireUser,
    download(() => undefined),
  );
  router.get(
    '/resources/:id/versions/:version/download',
    requireUser,
    download((req) => versionNumber.catch(0).parse(req.params.version)),
  );

  return router;
}
