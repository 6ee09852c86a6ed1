// How much one urlencoded form may carry. The largest form is a day's attendance for a session
// of the largest capacity (1,000 seats, sessions.schemas.ts): four boxes a participant, plus the
// token and a button; the closing review and the score grid carry two a participant. A body
// past these limits is refused with 413 before any handler runs.

export const FORM_FIELD_LIMIT = 4_010;
export const FORM_BODY_LIMIT = '1mb';
