// File sizes as people read them, in their language: "850 kB", "12.5 MB", "12,5 Мб".

export function formatSize(bytes: number, language: string): string {
  const format = (value: number, unit: string, digits: number) =>
    new Intl.NumberFormat(language, {
      style: 'unit',
      unit,
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    }).format(value);
  if (bytes < 1024) return format(bytes, 'byte', 0);
  if (bytes < 1024 * 1024) return format(bytes / 1024, 'kilobyte', 0);
  return format(bytes / (1024 * 1024), 'megabyte', 1);
}
