import mongoose from 'mongoose';
import { hasRole, type Actor } from '../access/actor.ts';
import { anyOf, anyOfIds, containsPattern } from '../db/query.ts';
import { notFound } from '../http/errors.ts';
import type { Page } from '../db/pagination.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { authorize } from '../access/policy.ts';
import {
  TrainingModule,
  type DeliveryLanguage,
  type DeliveryMode,
  type TrainingModuleFields,
} from './training-module.model.ts';
import { findPage } from '../db/find-page.ts';
import { findByIdOr404 } from '../db/object-id.ts';

// The catalogue every signed-in person browses: published modules they may see, that is
// the module policy's read (src/access/module.policy.ts) written as a query. Drafts and archived modules are never
// in it, not even for their editors, who manage them under /modules.

export type CatalogueModule = TrainingModuleFields & { _id: mongoose.Types.ObjectId };
type Filter = mongoose.QueryFilter<CatalogueModule>;

/** Search words: each must appear in the code, the title or the summary. */
const MAX_WORDS = 8;

/** Published, and national, of the person's country, or owned where they edit (admins: every one). */
export function visibleToFilter(actor: Actor): Filter {
  if (hasRole(actor, 'admin')) return { status: 'published' };
  const where: Filter[] = [{ country: null }];
  if (actor.countryId) where.push({ country: new mongoose.Types.ObjectId(actor.countryId) });
  if (hasRole(actor, 'coordinator')) where.push({ institution: anyOfIds(actor.scopeInstitutionIds) });
  return { status: 'published', $or: where };
}

function searchFilter(words: string): Filter[] {
  return words
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, MAX_WORDS)
    .map((word) => {
      const pattern = containsPattern(word);
      return { $or: [{ code: pattern }, { title: pattern }, { summary: pattern }] };
    });
}

/** What the catalogue is searched by (its query string, already checked). */
export type CatalogueFilter = {
  q?: string;
  tag?: string;
  language?: DeliveryLanguage;
  mode?: DeliveryMode;
  page: number;
};

/**
 * The catalogue's page. Modules are a collection of hundreds: the query's top-level equality is
 * the status (what FerretDB hands to SQL, decision 0005); the rest runs on the published modules.
 */
export async function listCatalogue(actor: Actor, filter: CatalogueFilter): Promise<Page<CatalogueModule>> {
  const query: Filter = visibleToFilter(actor);
  if (filter.tag) query.tags = filter.tag;
  if (filter.language) query.languages = filter.language;
  if (filter.mode) query.deliveryMode = filter.mode;
  const words = filter.q ? searchFilter(filter.q) : [];
  if (words.length > 0) query.$and = words;
  return findPage<CatalogueModule>(TrainingModule, query, filter.page, { sort: { title: 1 } });
}

/** The tags of the modules this person sees, for the filter. */
export async function listCatalogueTags(actor: Actor): Promise<string[]> {
  const tags = (await TrainingModule.distinct('tags', visibleToFilter(actor))) as string[];
  return tags.sort((a, b) => a.localeCompare(b));
}

/** A module of the catalogue; a draft, an archived or another country's module is 404. */
export async function getCatalogueModule(actor: Actor, id: string) {
  const module = await findByIdOr404(TrainingModule, id);
  if (module.status !== 'published') throw notFound();
  authorize(actor, modulePolicy, 'read', module);
  return module;
}

/** The prerequisites this person may open in the catalogue, and how many others there are. */
export async function listVisiblePrerequisites(actor: Actor, module: { prerequisites: mongoose.Types.ObjectId[] }) {
  if (module.prerequisites.length === 0) return { visible: [], hidden: 0 };
  const visible = await TrainingModule.find(
    { ...visibleToFilter(actor), _id: anyOf(module.prerequisites) },
    { code: 1, title: 1 },
  )
    .sort({ title: 1 })
    .lean<Pick<CatalogueModule, '_id' | 'code' | 'title'>[]>();
  return { visible, hidden: module.prerequisites.length - visible.length };
}
