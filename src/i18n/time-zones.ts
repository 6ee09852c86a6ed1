// IANA time zones that this Node build knows (full ICU); used to validate and to fill selects.
// ICU lists UTC apart from the regional zones, so it is added by hand.
export const TIME_ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone')];

const known = new Set(TIME_ZONES);

export function isTimeZone(value: string): boolean {
  return known.has(value);
}
