import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { authorize, can, type ActionOf } from '../access/policy.ts';
import { materialsAccess, resourcePolicy, type ResourceRecord as ResourceAccess } from '../access/resource.policy.ts';
import { notFound } from '../http/errors.ts';
import { seatedSessionIds } from '../enrolments/person-places.service.ts';
import { moduleSummary, type ModuleSummary } from '../modules/module-lookups.service.ts';
import { anyOfModule, teachesModule } from '../sessions/session-queries.service.ts';
import { Resource, type ResourceAudience, type ResourceFields } from './resource.model.ts';
import { ResourceVersion, type ResourceVersionFields } from './resource-version.model.ts';
import { isObjectId } from '../db/object-id.ts';

// Who sees which materials is the resource policy's (src/access/resource.policy.ts): a module a
// person cannot see, and trainer-only material for someone who is neither a trainer nor the
// module's editor, answer 404 as if they did not exist, so guessing an id reveals nothing.
// Whoever taught or took a session of a module keeps its materials after the module leaves the
// catalogue (archived): records stay readable. That fact is read here, for the policy to weigh.

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

/** Whether the person taught or took a session of the module: only asked when they cannot see it. */
async function keptBy(actor: Actor, module: ModuleOwner): Promise<ResourceAccess['keptBy']> {
  if (can(actor, modulePolicy, 'read', module)) return undefined;
  if (await teachesModule(actor.id, module._id)) return 'trainer';
  return (await anyOfModule(await seatedSessionIds(actor.id), module._id)) ? 'participant' : undefined;
}
export type ModuleOwner = ModuleSummary;

/** The materials of a module that this person may see, newest first. */
export async function listResourcesForModule(
  actor: Actor,
  module: { _id: { toHexString(): string } },
): Promise<ResourceSummary[]> {
  // read again: the rules need the owner and status, whatever the caller loaded
  const owner = await moduleSummary(module._id.toHexString());
  const access = owner ? materialsAccess(actor, owner, await keptBy(actor, owner)) : 'none';
  if (!owner || access === 'none') return [];
  const filter: mongoose.QueryFilter<ResourceRecord> = { module: owner._id };
  if (access === 'participants') filter.audience = 'participants';
  const resources = await Resource.find(filter).sort({ updatedAt: -1, _id: -1 }).lean<ResourceRecord[]>();
  if (resources.length === 0) return [];
  // each current version by its resource and number (equalities, decision 0005), side by side
  const versions = await Promise.all(
    resources.map((r) => ResourceVersion.findOne({ resource: r._id, version: r.currentVersion }).lean<VersionRecord>()),
  );
  const byResource = new Map(versions.flatMap((v) => (v ? [[v.resource.toHexString(), v] as const] : [])));
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
  const module = isObjectId(moduleId) ? await moduleSummary(moduleId) : null;
  if (!module) throw notFound();
  authorize(actor, modulePolicy, 'addMaterials', module);
  return module;
}

/** A resource as the actor found it: `access` is what the resource policy is asked about it. */
export type VisibleResource = {
  resource: ResourceDocument;
  module: ModuleOwner;
  access: ResourceAccess;
  canEdit: boolean;
};
export type ResourceAction = ActionOf<typeof resourcePolicy>;

/**
 * A resource the actor may do this to (read it, unless another action is named): 404 when they
 * may not see it (module unseen, audience not theirs), 403 when they may only see it.
 */
export async function getVisibleResource(actor: Actor, id: string, action: ResourceAction = 'read') {
  const resource = isObjectId(id) ? await Resource.findById(id) : null;
  const module = resource ? await moduleSummary(resource.module) : null;
  if (!resource || !module) throw notFound();
  const access = { audience: resource.audience, module, keptBy: await keptBy(actor, module) };
  authorize(actor, resourcePolicy, action, access);
  return { resource, module, access, canEdit: can(actor, resourcePolicy, 'update', access) } satisfies VisibleResource;
}

/** A resource the actor may change or delete: as getVisibleResource, then 403 for those who only read it. */
export function getEditableResource(actor: Actor, id: string, action: 'update' | 'delete' = 'update') {
  return getVisibleResource(actor, id, action);
}

/** Every version for editors, newest first, with who uploaded it; only the current one for everyone else. */
export async function listVersions(actor: Actor, found: VisibleResource) {
  const filter: mongoose.QueryFilter<VersionRecord> = { resource: found.resource._id };
  if (!can(actor, resourcePolicy, 'seeOldVersions', found.access)) filter.version = found.resource.currentVersion;
  return ResourceVersion.find(filter)
    .sort({ version: -1 })
    .populate<{ uploadedBy: { fullName: string } | null }>('uploadedBy', 'fullName')
    .lean();
}

/**
 * The stored file to send: the current version, or an older one for the module's editors only
 * (replaced files are kept for them, not handed out to participants: 403 to those who only read).
 */
export async function getDownload(actor: Actor, id: string, version?: number): Promise<VersionRecord> {
  const { resource, access } = await getVisibleResource(actor, id, 'download');
  const wanted = version ?? resource.currentVersion;
  if (wanted !== resource.currentVersion) authorize(actor, resourcePolicy, 'seeOldVersions', access);
  const record = await ResourceVersion.findOne({ resource: resource._id, version: wanted }).lean<VersionRecord>();
  if (!record) throw notFound();
  return record;
}
