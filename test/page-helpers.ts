import { expect } from 'chai';

// Reading rendered pages the way a person would: visible text, the message beside a field,
// what a form box holds. Kept small and regex-based: the pages are our own, well-formed EJS.

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&#34;': '"', '&quot;': '"', '&#39;': "'" };

export function decode(html: string): string {
  return html.replace(/&(lt|gt|#34|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity).replace(/&amp;/g, '&');
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The page's visible text: no tags, no scripts, entities decoded, spaces collapsed. */
export function visibleText(html: string): string {
  return decode(
    html
      .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
      // an isolated value is read as part of its sentence: “<bdi>Title</bdi>” is “Title”
      .replace(/<\/?bdi\b[^>]*>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  ).trim();
}

/** The message shown beside a field (partials/field-error), or undefined. */
export function fieldError(html: string, name: string): string | undefined {
  const match = new RegExp(`id="${escapeRegExp(name)}-error">([^<]*)</p>`).exec(html);
  return match?.[1] === undefined ? undefined : decode(match[1]);
}

/** The message beside one box of a row of the session form's days (`days.2.end`). */
export function dayError(html: string, name: string): string | undefined {
  const match = new RegExp(`data-field="${escapeRegExp(name)}">([^<]*)</span>`).exec(html);
  return match?.[1] === undefined ? undefined : decode(match[1]);
}

/** What a text box holds. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\bname="${escapeRegExp(name)}"[^>]*>`).exec(html)?.[0];
  const value = tag && /\bvalue="([^"]*)"/.exec(tag)?.[1];
  return value === undefined || value === null ? undefined : decode(value);
}

function selectBody(html: string, name: string): string {
  const match = new RegExp(`<select[^>]*\\bname="${escapeRegExp(name)}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!match?.[1]) throw new Error(`no select named ${name}`);
  return match[1];
}

/** The option values of a select, in order. */
export function optionValues(html: string, name: string): string[] {
  return [...selectBody(html, name).matchAll(/<option(?: value="([^"]*)")?[^>]*>([^<]*)</g)].map((m) =>
    decode(m[1] ?? m[2] ?? ''),
  );
}

/** The selected option of a select (its value, or its text when it has no value attribute). */
export function selectedValue(html: string, name: string): string | undefined {
  const match = /<option(?: value="([^"]*)")?\s+selected\s*>([^<]*)</.exec(selectBody(html, name));
  return match ? decode(match[1] ?? match[2] ?? '') : undefined;
}

/** The values of the ticked checkboxes of a group. */
export function checkedValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`<input type="checkbox" name="${escapeRegExp(name)}"[^>]*>`, 'g'))]
    .filter((m) => /\bchecked\b/.test(m[0]))
    .map((m) => decode(/value="([^"]*)"/.exec(m[0])?.[1] ?? ''));
}

/** The links (href) of a page. */
export function links(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => decode(m[1] ?? ''));
}

// i18next shows the key itself (namespace dropped) when a translation is missing.
const KEY_LIKE =
  /\b(?:[a-z]+:)?(?:app|nav|home|language|actions|filters|pagination|validation|errors|list|new|edit|fields|hints|roles|genders|types|statuses|signIn|email|serviceNumber|institution|country|code|reset|deactivate|activate|delete|people|count)\.[A-Za-z0-9_.]+/;

/** Fails when a translation key shows instead of its text. */
export function expectNoMissingTranslations(html: string): void {
  const text = visibleText(html);
  const attributes = [...html.matchAll(/\b(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((m) => m[1]);
  for (const piece of [text, ...attributes]) {
    const match = KEY_LIKE.exec(piece ?? '');
    expect(match, `untranslated key "${match?.[0]}" in: ${piece?.slice(0, 300)}`).to.equal(null);
  }
}

/** Every form control has a label that points at it (or sits in a fieldset with a legend). */
export function expectLabelledControls(html: string): void {
  const forms = [...html.matchAll(/<form[^>]*method="post"[\s\S]*?<\/form>/g)].map((m) => m[0]);
  for (const form of forms) {
    for (const control of form.matchAll(/<(input|select|textarea)\b[^>]*>/g)) {
      const tag = control[0];
      if (/type="(hidden|submit)"/.test(tag)) continue;
      if (/type="checkbox"/.test(tag)) continue; // wrapped in <label class="checkbox">
      const id = /\bid="([^"]+)"/.exec(tag)?.[1];
      expect(id, `control without id: ${tag}`).to.be.a('string');
      expect(form, `no label for #${id}`).to.include(`for="${id}"`);
    }
  }
}
