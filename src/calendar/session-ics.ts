import { createEvents, type EventAttributes } from 'ics';
import mongoose from 'mongoose';
import { institutionSummaries } from '../institutions/institutions.service.ts';
import { moduleSummaries } from '../modules/module-lookups.service.ts';
import type { SessionRecord } from '../sessions/sessions.service.ts';

// iCalendar: one VEVENT per day of a session, in UTC; the UID stays the same for a day of
// a session, SEQUENCE rises with each change of times, venue or status.

type IcsSession = Pick<
  SessionRecord,
  '_id' | 'module' | 'institution' | 'room' | 'days' | 'status' | 'sequence' | 'notes' | 'cancellationReason'
>;

/**
 * baseUrl: the site's address (linkBaseUrl), or undefined to leave the events without a link;
 * tentative: sessions marked TENTATIVE for this reader (a place on the waiting list or awaiting
 * approval), as a draft is.
 */
export async function sessionsToIcs(
  sessions: IcsSession[],
  calName: string,
  baseUrl: string | undefined,
  tentative: ReadonlySet<string> = new Set(),
): Promise<string> {
  const [modules, venues] = await Promise.all([
    moduleSummaries(sessions.map((s) => s.module)),
    institutionSummaries(sessions.map((s) => s.institution)),
  ]);
  const title = (id: mongoose.Types.ObjectId) => modules.find((m) => m._id.equals(id))?.title ?? '';
  const venue = (id: mongoose.Types.ObjectId) => venues.find((v) => v._id.equals(id))?.name ?? '';
  const events: EventAttributes[] = sessions.flatMap((s) =>
    s.days.map((day) => ({
      uid: `${s._id.toHexString()}-${day.date}@cadre`,
      sequence: s.sequence,
      title: title(s.module),
      location: [venue(s.institution), s.room].filter(Boolean).join(', '),
      description: s.status === 'cancelled' ? (s.cancellationReason ?? '') : (s.notes ?? ''),
      ...(baseUrl ? { url: `${baseUrl}/sessions/${s._id.toHexString()}` } : {}),
      status: statusOf(s, tentative),
      start: day.startsAt.getTime(),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: day.endsAt.getTime(),
      endInputType: 'utc',
      endOutputType: 'utc',
    })),
  );
  const { error, value } = createEvents(events, { productId: 'cadre/sessions', calName });
  if (error || value === null) throw error ?? new Error('no calendar');
  return value;
}

function statusOf(s: IcsSession, tentative: ReadonlySet<string>): 'CANCELLED' | 'TENTATIVE' | 'CONFIRMED' {
  if (s.status === 'cancelled') return 'CANCELLED';
  return s.status === 'draft' || tentative.has(s._id.toHexString()) ? 'TENTATIVE' : 'CONFIRMED';
}
