import type mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { personPolicy } from '../access/person.policy.ts';
import { can } from '../access/policy.ts';

// How a place ended, as a page says it: the person withdrew, or someone removed them. The
// remover's name is shown only to a reader who may see that person (person policy); anyone
// else reads "removed by a coordinator".

/** The remover as the roster and "My training" read them (by id, from the people's summaries). */
export type Remover = {
  _id: mongoose.Types.ObjectId;
  fullName: string;
  institution?: mongoose.Types.ObjectId | null;
  roles: string[];
};

export type EndedBy = { by: 'self' } | { by: 'other'; name?: string };

/** How a withdrawn place ended, for this reader; undefined for other states. */
export function endedBy(reader: Actor, row: { state: string; removedBy?: Remover | null }): EndedBy | undefined {
  if (row.state !== 'withdrawn') return undefined;
  const remover = row.removedBy;
  if (!remover) return { by: 'self' };
  return can(reader, personPolicy, 'read', remover) ? { by: 'other', name: remover.fullName } : { by: 'other' };
}
