// What a revision changed: its content against the one before, field by field, for the
// record's history. Revisions keep the whole content (revisions.ts); the page shows only the
// fields a person changes or that follow from a change.

export const SHOWN_CHANGES = [
  'nameAsIssued',
  'startedOn',
  'endedOn',
  'hours',
  'attendancePercent',
  'pre',
  'post',
  'result',
  'changeReason',
  'issuedAt',
  'expiresAt',
  'status',
  'statusReason',
] as const;
export type ChangedField = (typeof SHOWN_CHANGES)[number];

export type FieldChange = { field: ChangedField; before: unknown; after: unknown };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The shown fields whose value differs; none for the first revision (nothing before it). */
export function changesBetween(before: Record<string, unknown> | undefined, after: unknown): FieldChange[] {
  if (!before) return [];
  const now = (after ?? {}) as Record<string, unknown>;
  return SHOWN_CHANGES.filter((field) => !same(before[field], now[field])).map((field) => ({
    field,
    before: before[field] ?? null,
    after: now[field] ?? null,
  }));
}
