import type { Actor } from '../access/actor.ts';
import { peopleInSession } from '../enrolments/enrolment-queries.service.ts';
import { releaseCancelledSession } from '../enrolments/enrolments.service.ts';
import { conflict } from '../http/errors.ts';
import { notify } from '../notices/notices.service.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import { getManagedSession } from './scheduling.service.ts';
import { isActive, type SessionStatus } from '../sessions/training-session.model.ts';

// draft → open → in progress → completed; any of the first three → cancelled, with a reason.

const NEXT: Partial<Record<SessionStatus, SessionStatus>> = {
  draft: 'open',
  open: 'in_progress',
  in_progress: 'completed',
};

export type Step = 'open' | 'in_progress' | 'completed';

export async function advanceSession(actor: Actor, id: string, to: Step) {
  const session = await getManagedSession(actor, id);
  if (NEXT[session.status] !== to) throw conflict('sessions:errors.wrongStep');
  session.status = to;
  await session.save();
  return session;
}

export const canCancel = isActive;

export async function cancelSession(actor: Actor, id: string, reason: string) {
  const session = await getManagedSession(actor, id);
  if (!canCancel(session.status)) throw conflict('sessions:errors.wrongStep');
  // whom to tell is read before the release frees their places
  const people = await peopleInSession(session.id);
  session.set({ status: 'cancelled', cancellationReason: reason, cancelledAt: new Date() });
  session.sequence += 1;
  await session.save();
  await releaseCancelledSession(session);
  const module = await TrainingModule.findById(session.module, { title: 1 }).lean();
  await notify({
    people,
    kind: 'session.cancelled',
    sessionId: session.id,
    params: {
      module: module?.title ?? '',
      reason,
      startsAt: session.startsAt.toISOString(),
      timeZone: session.timeZone,
    },
  });
  return session;
}
