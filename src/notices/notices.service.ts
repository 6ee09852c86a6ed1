import type { NoticeKind } from './notice.model.ts';

// placeholder with the final signature: the notices feature is being written

export type NoticeRequest = {
  /** people to tell (user ids) */
  people: string[];
  kind: NoticeKind;
  /** the session it is about, if any */
  sessionId?: string;
  /** message values; dates already formatted are NOT wanted: pass ISO instants and the zone */
  params?: Record<string, string>;
};

/** Records a notice for each person and e-mails those who have an address, in their language. */
export async function notify(_request: NoticeRequest): Promise<void> {}
