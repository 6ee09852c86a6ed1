import type { TFunction } from 'i18next';

// Text whose direction may not be the page's (a name, a title, a code, a reason typed by
// people) is isolated, so an English title in an Arabic sentence keeps its words in order and
// its full stop at its own end. A value is marked where it goes into a sentence; the marks
// become <bdi> in HTML, Unicode isolates (FSI … PDI) in plain text, or nothing.

const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKED = /\uE000([^\uE000\uE001]*)\uE001/g;

/** A value marked for isolation (marks already in it are dropped: nobody can forge one). */
export function mark(value: string): string {
  return value ? `${OPEN}${value.replace(/[\uE000\uE001]/g, '')}${CLOSE}` : value;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Escaped HTML, each marked value in a <bdi>. */
export function isolatedHtml(text: string): string {
  return escapeHtml(text).replace(MARKED, '<bdi>$1</bdi>');
}

/** Plain text, each marked value between FSI and PDI (for right-to-left readers), or unmarked. */
export function isolatedText(text: string, isolate: boolean): string {
  return text.replace(MARKED, isolate ? '\u2068$1\u2069' : '$1');
}

/**
 * A translation as escaped HTML with its string values in <bdi>: for views, as
 * <%- tb('catalogue:show.code', { code: module.code }) %>. count stays a number (plurals).
 */
export function translateIsolated(t: TFunction, key: string, values: Record<string, unknown> = {}): string {
  const marked = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, typeof value === 'string' ? mark(value) : value]),
  );
  return isolatedHtml(t(key, marked));
}
