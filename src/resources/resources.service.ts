import type { Actor } from '../auth/actor.ts';

// placeholder with the final signature: the resources feature is being written

export type ResourceSummary = {
  id: string;
  title: string;
  kind: string;
  language: string;
  audience: 'trainers' | 'participants';
  currentVersion: number;
  originalName: string;
  mimeType: string;
  size: number;
  updatedAt: Date;
};

/** The materials of a module that this person may see, newest first. */
export async function listResourcesForModule(
  _actor: Actor,
  _module: { _id: { toHexString(): string } },
): Promise<ResourceSummary[]> {
  return [];
}
