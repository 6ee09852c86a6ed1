import type mongoose from 'mongoose';
import { institutionSummaries } from '../institutions/institutions.service.ts';
import { moduleSummaries } from '../modules/module-lookups.service.ts';
import type { TrainingSessionFields } from './training-session.model.ts';

// What lists of sessions show beside each one: the module's title and code, the venue's name
// and code, from the modules' and institutions' summaries (one read of each of those small
// collections for the whole list, docs/decisions/0005-reads-by-id.md) rather than populate().

type Row = Pick<TrainingSessionFields, 'module' | 'institution'>;

export type Named<S extends Row> = Omit<S, 'module' | 'institution'> & {
  module: { _id: mongoose.Types.ObjectId; title: string; code: string } | null;
  institution: { _id: mongoose.Types.ObjectId; name: string; code: string } | null;
};

/** Rows with their module's title and code and their venue's name and code, read by id. */
export async function withNames<S extends Row>(sessions: S[]): Promise<Named<S>[]> {
  const [modules, venues] = await Promise.all([
    moduleSummaries(sessions.map((s) => s.module)),
    institutionSummaries(sessions.map((s) => s.institution)),
  ]);
  const moduleById = new Map(modules.map((m) => [m._id.toHexString(), m]));
  const venueById = new Map(venues.map((v) => [v._id.toHexString(), v]));
  return sessions.map((s) => {
    const module = moduleById.get(s.module.toHexString());
    const venue = venueById.get(s.institution.toHexString());
    return {
      ...s,
      module: module ? { _id: module._id, title: module.title, code: module.code } : null,
      institution: venue ? { _id: venue._id, name: venue.name, code: venue.code } : null,
    };
  });
}
