import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { canEditModule, canSeeModule, canSeeTrainerMaterials } from '../modules/module-access.ts';
import { seatedSessionIds } from '../enrolments/person-places.service.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { anyOfModule, teachesModule } from '../sessions/session-queries.service.ts';
import { Resource, type ResourceAudience, type ResourceFields } from './resource.model.ts';
import { ResourceVersion, type ResourceVersionFields } from './resource-version.model.ts';
import { isObjectId } from '../db/object-id.ts';

// Who sees which materials. A module a person cannot see, and trainer-only material for
// someone who is neither a trainer nor the module's editor, answer 404 as if they did not
// exist, so guessing an id reveals nothing. Whoever taught or took a session of a module keeps
// its materials after the module leaves the catalogue (archived): records stay readable.

export type ResourceSummary = {
  id: string;
  title: string;
  kind: string;
  language: string;
  audience: ResourceAudience;
  currentVersion: number;
  originalName: string;
  mimeType: string;
  size: number;
  updatedAt: Date;
};

export type ResourceRecord = ResourceFields & { _id: mongoose.Types.ObjectId };
export type VersionRecord = ResourceVersionFields & { _id: mongoose.Types.ObjectId };
export type ResourceDocument = InstanceType<typeof Resource>;

const findModule = (id: mongoose.Types.ObjectId | string) => moduleSummary(id);

type MaterialsAccess = 'all' | 'participants' | 'none';

/** Which of a module's materials this person may read. */
async function materialsAccess(actor: Actor, module: ModuleOwner): Promise<MaterialsAccess> {
  if (canSeeModule(actor, module)) return canSeeTrainerMaterials(actor, module) ? 'all' : 'participants';
  if (await teachesModule(actor.id, module._id)) return 'all';
  const took = await anyOfModule(await seatedSessionIds(actor.id), module._id);
  return took ? 'participants' : 'none';
}
export type ModuleOwner = NonNullable<Awaited<ReturnType<typeof findModule>>>;

/** The materials of a module that this person may see, newest first. */
export async function listResourcesForModule(
  actor: Actor,
  module: { _id: { toHexString(): string } },
): Promise<ResourceSummary[]> {
  // read again: the rules need the owner and status, whatever the caller loaded
  const owner = await findModule(module._id.toHexString());
  const access = owner ? await materialsAccess(actor, owner) : 'none';
  if (!owner || access === 'none') return [];
  const filter: mongoose.QueryFilter<ResourceRecord> = { module: owner._id };
  if (access === 'participants') filter.audience = 'participants';
  const resources = await Resource.find(filter).sort({ updatedAt: -1, _id: -1 }).lean<ResourceRecord[]>();
  if (resources.length === 0) return [];
  const versions = await ResourceVersion.find({
    $or: resources.map((r) => ({ resource: r._id, version: r.currentVersion })),
  }).lean<VersionRecord[]>();
  const byResource = new Map(versions.map((v) => [v.resource.toHexString(), v]));
  return resources.flatMap((r) => {
    const current = byResource.get(r._id.toHexString());
    if (!current) return []; // mid-upload or broken: uploads:cleanup reports it
    return [
      {
        id: r._id.toHexString(),
        title: r.title,
        kind: r.kind,
        language: r.language,
        audience: r.audience,
        currentVersion: r.currentVersion,
        originalName: current.originalName,
        mimeType: current.mimeType,
        size: current.size,
        updatedAt: r.updatedAt,
      },
    ];
  });
}

/** A module the actor may add materials to: 404 when they cannot see it, 403 when they only see it. */
export async function getModuleForUpload(actor: Actor, moduleId: string): Promise<ModuleOwner> {
  const module = isObjectId(moduleId) ? await findModule(moduleId) : null;
  if (!module || !canSeeModule(actor, module)) throw notFound();
  if (!canEditModule(actor, module)) throw forbidden();
  return module;
}

export type VisibleResource = { resource: ResourceDocument; module: ModuleOwner; canEdit: boolean };

/** A resource this person may see (module visible, audience allowed); anything else is 404. */
export async function getVisibleResource(actor: Actor, id: string): Promise<VisibleResource> {
  const resource = isObjectId(id) ? await Resource.findById(id) : null;
  if (!resource) throw notFound();
  const module = await findModule(resource.module);
  const access = module ? await materialsAccess(actor, module) : 'none';
  if (!module || access === 'none') throw notFound();
  if (resource.audience === 'trainers' && access !== 'all') throw notFound();
  return { resource, module, canEdit: canEditModule(actor, module) };
}

/** A resource the actor may change: as getVisibleResource, then 403 for those who only read it. */
export async function getEditableResource(actor: Actor, id: string): Promise<VisibleResource> {
  const found = await getVisibleResource(actor, id);
  if (!found.canEdit) throw forbidden();
  return found;
}

/** Every version for editors, newest first, with who uploaded it; only the current one for everyone else. */
export async function listVersions(found: VisibleResource) {
  const filter: mongoose.QueryFilter<VersionRecord> = { resource: found.resource._id };
  if (!found.canEdit) filter.version = found.resource.currentVersion;
  return ResourceVersion.find(filter)
    .sort({ version: -1 })
    .populate<{ uploadedBy: { fullName: string } | null }>('uploadedBy', 'fullName')
    .lean();
}

/**
 * The stored file to send: the current version, or an older one for the module's editors only
 * (replaced files are kept for them, not handed out to participants).
 */
export async function getDownload(actor: Actor, id: string, version?: number): Promise<VersionRecord> {
  const { resource, canEdit } = await getVisibleResource(actor, id);
  const wanted = version ?? resource.currentVersion;
  if (wanted !== resource.currentVersion && !canEdit) throw notFound();
  const record = await ResourceVersion.findOne({ resource: resource._id, version: wanted }).lean<VersionRecord>();
  if (!record) throw notFound();
  return record;
}
