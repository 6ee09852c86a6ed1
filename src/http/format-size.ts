// File sizes as people read them, in their language: "595 bytes", "850 kB", "12.5 MB", "12,5 МБ".
// Bytes are spelled out ("595 bytes", "595 байт", "595 octets"): the short form of the unit
// has no plural in English and French ("595 byte").

export function formatSize(bytes: number, language: string): string {
  const format = (value: number, unit: string, digits: number, unitDisplay: 'short' | 'long' = 'short') =>
    new Intl.NumberFormat(language, {
      style: 'unit',
      unit,
      unitDisplay,
      maximumFractionDigits: digits,
    }).format(value);
  if (bytes < 1024) return format(bytes, 'byte', 0, 'long');
  if (bytes < 1024 * 1024) return format(bytes / 1024, 'kilobyte', 0);
  return format(bytes / (1024 * 1024), 'megabyte', 1);
}
