import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';

// The stack's ceiling for a page: the same view, layout and rows, rendered by a bare Express
// app from memory, with no database and no middleware. What the real app adds on top of that
// (sign-in, login session, CSRF, queries) is the page's time divided by this one's.
// The rows come from the app itself: its render call for the page is recorded once (the
// merged locals, translation function and all) and replayed here as often as asked.

type Recorded = { view: string; locals: Record<string, unknown> };

export class RenderRecorder {
  private readonly recorded = new Map<string, Recorded>();
  private recording: string | undefined;

  /** Wraps the app's render: while a name is being recorded, the view and its locals are kept. */
  constructor(app: Express) {
    const render = app.render.bind(app);
    app.render = ((view: string, options: Record<string, unknown>, callback: never) => {
      if (this.recording && !this.recorded.has(this.recording)) {
        const { _locals: locals, ...rest } = options;
        this.recorded.set(this.recording, { view, locals: { ...(locals as object), ...rest } });
      }
      return render(view, options, callback);
    }) as Express['render'];
  }

  async record<T>(name: string, request: () => Promise<T>): Promise<T> {
    this.recording = name;
    try {
      return await request();
    } finally {
      this.recording = undefined;
    }
  }

  get(name: string): Recorded | undefined {
    return this.recorded.get(name);
  }
}

/** A bare app serving each recorded page at /<name>, with the real app's view settings. */
export async function startCeiling(real: Express, recorder: RenderRecorder, names: string[]) {
  const app = express();
  app.set('view engine', real.get('view engine') as string);
  app.set('views', real.get('views') as string);
  app.set('view cache', real.enabled('view cache'));
  for (const name of names) {
    const page = recorder.get(name);
    if (page) app.get(`/${name}`, (_req, res) => res.render(page.view, { ...page.locals }));
  }
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    viewCache: real.enabled('view cache'),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
