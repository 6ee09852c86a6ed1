import type { Express } from 'express';

// The app's route table, read from the built app rather than written out by hand, so a route
// added tomorrow is in it without anyone remembering to list it. Express 5's router (the
// `router` package, 2.3+) lists each router's routes and mounted routers with listRoutes();
// the paths of nested routers are joined here.

export type StateChangingMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteEntry = { method: StateChangingMethod; path: string };

const STATE_CHANGING: readonly StateChangingMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** What the router package says of one registered path (its `RouteInfo`). */
type ListedRoute = { path: string | RegExp; methods: string[] | undefined; router: ListingRouter | undefined };
type ListingRouter = { listRoutes?: () => ListedRoute[] };

const joinPath = (prefix: string, path: string) => (path === '/' ? prefix : `${prefix.replace(/\/$/, '')}${path}`);

function listAll(router: ListingRouter, prefix: string): { method: string; path: string }[] {
  if (typeof router.listRoutes !== 'function') throw new Error('the router cannot list its routes: router 2.3+ needed');
  return router.listRoutes().flatMap((listed) => {
    if (typeof listed.path !== 'string') throw new Error(`a route path is not a string: ${String(listed.path)}`);
    const path = joinPath(prefix, listed.path);
    if (listed.router) return listAll(listed.router, path);
    return (listed.methods ?? []).map((method) => ({ method, path }));
  });
}

/** Every route that takes POST, PUT, PATCH or DELETE, in registration order; `.all()` counts as POST. */
export function stateChangingRoutes(app: Express): RouteEntry[] {
  return listAll(app.router as unknown as ListingRouter, '').flatMap(({ method, path }): RouteEntry[] => {
    if (method === '*') return [{ method: 'POST', path }];
    return STATE_CHANGING.includes(method as StateChangingMethod)
      ? [{ method: method as StateChangingMethod, path }]
      : [];
  });
}

/** One layer of a router's stack, as the router package builds it. */
type StackLayer = {
  route?: { methods: Record<string, boolean | undefined> };
  handle: { stack?: unknown };
  matchers?: unknown[];
};

/**
 * The same count read straight from the layers of the stacks (a route layer per path, its
 * methods, nested routers by their own stack), to check that the listing misses nothing.
 */
export function countStateChangingLayers(app: Express): number {
  const count = (stack: StackLayer[]): number =>
    stack.reduce((sum, layer) => {
      if (Array.isArray(layer.handle.stack)) return sum + count(layer.handle.stack as StackLayer[]);
      if (!layer.route) return sum;
      const methods = Object.keys(layer.route.methods).filter(
        (m) => m === '_all' || STATE_CHANGING.includes(m.toUpperCase() as StateChangingMethod),
      );
      return sum + methods.length * (layer.matchers?.length ?? 1);
    }, 0);
  return count(app.router.stack as unknown as StackLayer[]);
}

/**
 * The path with each `:param` replaced; `value` gets the parameter's name and the literal segment
 * before it (`/sessions/:id` → "id", "sessions"). Only plain `:name` segments are expected.
 */
export function fillPath(path: string, value: (name: string, after: string) => string): string {
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (/[{}*()?]/.test(segment)) throw new Error(`cannot fill in the path ${path}: segment ${segment}`);
      if (!segment.startsWith(':')) return segment;
      return encodeURIComponent(value(segment.slice(1), segments[i - 1] ?? ''));
    })
    .join('/');
}
