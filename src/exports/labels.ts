import type { TFunction } from 'i18next';

/**
 * The translation function for an export's rows: every key (without options) translated once.
 * An export asks for the same few words (a result, a status, a gender) on each of up to a
 * million rows, and each i18next call makes garbage enough to grow the heap by hundreds of
 * megabytes before it is collected (bench/README.md, the export benchmark).
 */
export function labelsOnce(t: TFunction): (key: string) => string {
  const labels = new Map<string, string>();
  return (key) => {
    let text = labels.get(key);
    if (text === undefined) labels.set(key, (text = t(key)));
    return text;
  };
}
