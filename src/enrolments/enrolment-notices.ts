import type mongoose from 'mongoose';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import type { NoticeKind } from '../notices/notices.service.ts';
import { notify } from '../notices/notices.service.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';

// Telling people what happened to their place: one notice kind per change, with the module
// and the start in the venue's time zone, so the notice reads without opening the session.

type Id = mongoose.Types.ObjectId;

export async function tell(
  people: Id[],
  kind: NoticeKind,
  session: TrainingSessionDocument,
  extra: Record<string, string> = {},
) {
  if (people.length === 0) return;
  const module = await moduleSummary(session.module);
  await notify({
    people: people.map((p) => p.toHexString()),
    kind,
    sessionId: session.id as string,
    params: {
      module: module?.title ?? '',
      startsAt: session.startsAt.toISOString(),
      timeZone: session.timeZone,
      ...extra,
    },
  });
}
