// Every list is paged the same way: 25 rows, ?page=N; out-of-range pages clamp, 0 and below to
// the first, beyond the end to the last (pageNumber() in validate.ts reads N the same way).

export const PAGE_SIZE = 25;

export type Page<T> = { items: T[]; page: number; pageCount: number; total: number };

export type PageWindow = { page: number; pageCount: number; skip: number; limit: number };

export function pageWindow(total: number, requestedPage: number, pageSize = PAGE_SIZE): PageWindow {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const requested = Number.isFinite(requestedPage) ? Math.trunc(requestedPage) : 1;
  const page = Math.min(Math.max(1, requested), pageCount);
  return { page, pageCount, skip: (page - 1) * pageSize, limit: pageSize };
}
