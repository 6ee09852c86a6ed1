import { badRequest, fieldError, notFound } from '../http/errors.ts';

// The ordering rules of a curriculum's items, on plain data: each returns a new list and
// never changes the one it was given. Modules are named by their id as a lower-case hex string.

export type PlainItem = { module: string; required: boolean };
export type Direction = 'up' | 'down';

function positionOf(items: readonly PlainItem[], moduleId: string): number {
  const index = items.findIndex((item) => item.module === moduleId);
  if (index === -1) throw notFound('curricula:items.notInList');
  return index;
}

/** A new module goes to the end; a module is in a curriculum once at most. */
export function addItem(items: readonly PlainItem[], moduleId: string, required: boolean): PlainItem[] {
  if (items.some((item) => item.module === moduleId)) throw fieldError('module', 'curricula:items.duplicate');
  return [...items, { module: moduleId, required }];
}

/** Swaps the module with its neighbour; the first cannot go up nor the last down. */
export function moveItem(items: readonly PlainItem[], moduleId: string, direction: Direction): PlainItem[] {
  const from = positionOf(items, moduleId);
  const to = direction === 'up' ? from - 1 : from + 1;
  if (to < 0 || to >= items.length) throw badRequest('curricula:items.atEdge');
  const moved = [...items];
  [moved[from], moved[to]] = [moved[to]!, moved[from]!];
  return moved;
}

/** Makes the module required or elective; its place does not change. */
export function setRequired(items: readonly PlainItem[], moduleId: string, required: boolean): PlainItem[] {
  const index = positionOf(items, moduleId);
  return items.map((item, i) => (i === index ? { ...item, required } : item));
}

/** Takes the module out; the others keep their order. */
export function removeItem(items: readonly PlainItem[], moduleId: string): PlainItem[] {
  const index = positionOf(items, moduleId);
  return items.filter((_, i) => i !== index);
}

/** The hours a person must spend: the sum over required modules (the ones whose hours are known). */
export function requiredHours(items: readonly PlainItem[], hoursOf: (moduleId: string) => number | undefined): number {
  return items.reduce((sum, item) => sum + (item.required ? (hoursOf(item.module) ?? 0) : 0), 0);
}
