import type mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { conflict } from '../http/errors.ts';
import { ModuleVersion } from './module-version.model.ts';
import { VERSIONED_FIELDS, type TrainingModule } from './training-module.model.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { testsOf } from './module-rules.ts';
import { personNames } from '../people/people.service.ts';
import { LANGUAGES, type Language } from '../i18n/i18n.ts';

// A published module's version rises when what a completion points to changes: its content
// (VERSIONED_FIELDS), not its code, tags or owner. Each published version keeps a snapshot.
// Two editors can race (FerretDB has no transactions, decision 0002): the snapshot insert is
// the guard, since {module, version} is unique; the module itself is saved only after it.

type ModuleDocument = InstanceType<typeof TrainingModule>;
type VersionedField = (typeof VERSIONED_FIELDS)[number];
export type ModuleContent = Record<VersionedField, unknown>;

type ContentSource = Partial<Record<VersionedField, unknown>>;

const hex = (id: unknown) =>
  typeof id === 'object' && id !== null && 'toHexString' in id
    ? (id as mongoose.Types.ObjectId).toHexString()
    : String(id);

/** Title translations as plain { language, title } pairs in the order of the languages. */
function translationsContent(value: unknown) {
  const translations = (value as { language: string; title: string }[] | undefined) ?? [];
  return translations
    .map(({ language, title }) => ({ language, title }))
    .sort((a, b) => LANGUAGES.indexOf(a.language as Language) - LANGUAGES.indexOf(b.language as Language));
}

/** The versioned content as plain data, in a canonical form that compares with JSON. */
export function contentOf(module: ContentSource): ModuleContent {
  const content = {} as ModuleContent;
  // absent test flags (a module saved before them) as they read: unchanged unless they changed
  const tests = testsOf(module);
  for (const field of VERSIONED_FIELDS) {
    const value = module[field];
    if (field === 'hasPreTest' || field === 'hasPostTest') content[field] = tests[field];
    else if (field === 'prerequisites') content[field] = ((value as unknown[] | undefined) ?? []).map(hex).sort();
    else if (field === 'languages') content[field] = [...((value as string[] | undefined) ?? [])].sort();
    else if (field === 'titleTranslations') content[field] = translationsContent(value);
    else if (Array.isArray(value)) content[field] = [...(value as unknown[])];
    else content[field] = value ?? null;
  }
  return content;
}

/** The versioned fields whose value differs. */
export function changedContent(before: ContentSource, after: ContentSource): VersionedField[] {
  const a = contentOf(before);
  const b = contentOf(after);
  return VERSIONED_FIELDS.filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]));
}

/** Records the module's current content as its current version; 11000 when that version exists. */
export function insertSnapshot(module: ModuleDocument, actor: Actor | undefined) {
  return ModuleVersion.create({
    module: module._id,
    version: module.version,
    content: contentOf(module),
    createdBy: actor?.id,
  });
}

/** The message for the second of two editors who saved the same module at the same moment. */
export const editConflict = () => conflict('modules:edit.conflict');

/**
 * Saves a module whose new values are set but not saved, with `before` its content as loaded.
 * A draft changes in place. A published module whose content changed gets the next version:
 * its snapshot first (refused if another editor took that number: 409), then the module;
 * if saving the module fails, the snapshot is taken back. Returns whether the version rose.
 */
export async function saveEdit(
  module: ModuleDocument,
  before: ModuleContent,
  actor: Actor,
  saveModule: (module: ModuleDocument) => Promise<void>,
): Promise<boolean> {
  const rises = module.status === 'published' && changedContent(before, module).length > 0;
  if (!rises) {
    await saveModule(module);
    return false;
  }
  module.version += 1;
  try {
    await insertSnapshot(module, actor);
  } catch (error) {
    module.version -= 1;
    if (isDuplicateKey(error)) throw editConflict();
    throw error;
  }
  try {
    await saveModule(module);
  } catch (error) {
    await ModuleVersion.deleteOne({ module: module._id, version: module.version });
    throw error;
  }
  return true;
}

/** The published versions of a module, newest first, with their publishers' names (read by id). */
export async function listVersions(moduleId: mongoose.Types.ObjectId) {
  const versions = await ModuleVersion.find({ module: moduleId })
    .sort({ version: -1 })
    .lean<{ version: number; createdAt: Date; createdBy?: mongoose.Types.ObjectId | null; content: ModuleContent }[]>();
  const names = await personNames(versions.flatMap((v) => v.createdBy ?? []));
  return versions.map((v) => {
    const name = v.createdBy ? names.get(v.createdBy.toHexString()) : undefined;
    return { ...v, createdBy: name === undefined ? null : { fullName: name } };
  });
}
