import { anyOfIds } from '../db/query.ts';
import { TrainingModule } from './training-module.model.ts';

// Prerequisites form a graph that must stay without circles: a module that (directly or
// through others) requires itself could never be started.

/** Loads the prerequisites of the given modules: id → ids of what each requires. */
export type PrerequisiteLoader = (ids: string[]) => Promise<Map<string, string[]>>;

export const loadPrerequisites: PrerequisiteLoader = async (ids) => {
  const found = await TrainingModule.find({ _id: anyOfIds(ids) }, { prerequisites: 1 }).lean();
  return new Map(found.map((m) => [m._id.toHexString(), m.prerequisites.map((p) => p.toHexString())]));
};

/**
 * The first chosen prerequisite that leads back to the module, or undefined when the choice
 * makes no circle. Walks the graph breadth-first, one query per level, each module once.
 */
export async function findCycle(
  moduleId: string,
  chosen: readonly string[],
  load: PrerequisiteLoader = loadPrerequisites,
): Promise<string | undefined> {
  if (chosen.includes(moduleId)) return moduleId;
  for (const start of chosen) {
    const seen = new Set<string>([start]);
    let frontier = [start];
    while (frontier.length > 0) {
      const edges = await load(frontier);
      const next: string[] = [];
      for (const id of frontier) {
        for (const required of edges.get(id) ?? []) {
          if (required === moduleId) return start;
          if (!seen.has(required)) {
            seen.add(required);
            next.push(required);
          }
        }
      }
      frontier = next;
    }
  }
  return undefined;
}
