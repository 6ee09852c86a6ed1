import type { Actor } from '../access/actor.ts';
import { peopleInSession, fillRates, seatsTaken } from '../enrolments/enrolment-queries.service.ts';
import { promoteWaiting, releaseCancelledSession } from '../enrolments/enrolments.service.ts';
import { conflict } from '../http/errors.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { notify } from '../notices/notices.service.ts';
import type { SessionFilter, SessionInput } from '../sessions/sessions.schemas.ts';
import {
  getManagedSession,
  listSessions,
  sessionAudited,
  sessionAuditedValues,
  updateSession,
  type Saved,
} from '../sessions/sessions.service.ts';
import { isActive } from '../sessions/session-queries.service.ts';

// The changes of a session that move its places, and the list that shows them: scheduling sits
// above enrolments (decision 8), so a session's record (src/sessions) never reaches up to them.

const moduleTitle = async (id: unknown) => (await moduleSummary(id))?.title ?? '';

/** Sessions of venues in the actor's scope, soonest first, with their places. */
export async function listSessionsWithPlaces(actor: Actor, filter: SessionFilter) {
  const page = await listSessions(actor, filter);
  return { page, fill: await fillRates(page.items) };
}

/** Saves an edit; more seats go to the first people waiting, and a move is told to everyone in it. */
export async function changeSession(actor: Actor, id: string, input: SessionInput): Promise<Saved> {
  const saved = await updateSession(actor, id, input, { seatsTaken });
  const { session } = saved;
  if (saved.capacityRaised) await promoteWaiting(session.id);
  if (saved.moved && session.status !== 'draft') {
    await notify({
      people: await peopleInSession(session.id),
      kind: 'session.changed',
      sessionId: session.id,
      params: {
        module: await moduleTitle(session.module),
        startsAt: session.startsAt.toISOString(),
        timeZone: session.timeZone,
      },
    });
  }
  return saved;
}

export const canCancel = isActive;

/** Cancels with a reason: every place is released and everyone who held one is told. */
export async function cancelSession(actor: Actor, id: string, reason: string) {
  const session = await getManagedSession(actor, id);
  if (!canCancel(session.status)) throw conflict('sessions:errors.wrongStep');
  // whom to tell is read before the release frees their places
  const people = await peopleInSession(session.id);
  const before = sessionAuditedValues(session);
  session.set({ status: 'cancelled', cancellationReason: reason, cancelledAt: new Date() });
  session.sequence += 1;
  await session.save();
  await sessionAudited(actor, 'session.cancel', session, before, { reason });
  await releaseCancelledSession(session);
  await notify({
    people,
    kind: 'session.cancelled',
    sessionId: session.id,
    params: {
      module: await moduleTitle(session.module),
      reason,
      startsAt: session.startsAt.toISOString(),
      timeZone: session.timeZone,
    },
  });
  return session;
}
