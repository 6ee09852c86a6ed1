// IANA time zones that this Node build knows (full ICU); used to validate and to fill selects.
export const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

export function isTimeZone(value: string): boolean {
  return TIME_ZONES.includes(value);
}
