// When a certificate's holder and coordinators are told that it expires (decision 0015): 90 and
// 30 days before, and on the day. Rules only, no database: expiry-reminders.ts sends.

export const EXPIRY_STAGES = [90, 30, 0] as const;
export type ExpiryStage = (typeof EXPIRY_STAGES)[number];

export const DAY_MS = 86_400_000;

/**
 * How long after the expiry the "expired" notice may still go out: a server that was off for a
 * few days catches up, while a database restored months later (or a site that turns reminders on
 * for the first time) does not tell everyone about certificates that lapsed long ago.
 */
export const CATCH_UP_DAYS = 7;

/**
 * The most urgent stage reached at `now`: 0 once expired (for CATCH_UP_DAYS), else 30 or 90
 * when that many days or fewer are left; null outside those windows.
 */
export function expiryStageAt(expiresAt: Date, now: Date): ExpiryStage | null {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return left > -CATCH_UP_DAYS * DAY_MS ? 0 : null;
  if (left <= 30 * DAY_MS) return 30;
  if (left <= 90 * DAY_MS) return 90;
  return null;
}

/** The stages before this one: passed over when a record is first seen late. */
export const stagesBefore = (stage: ExpiryStage): ExpiryStage[] => EXPIRY_STAGES.filter((s) => s > stage);

/** Whole days left, rounded up (29 days and 2 hours left reads "30 days"); 0 once expired. */
export const daysLeft = (expiresAt: Date, now: Date): number =>
  Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS));

/** The window one run reads: every expiry that may have reached a stage at `now`. */
export function expiryWindow(now: Date): { after: Date; until: Date } {
  return {
    after: new Date(now.getTime() - CATCH_UP_DAYS * DAY_MS),
    until: new Date(now.getTime() + 90 * DAY_MS),
  };
}
