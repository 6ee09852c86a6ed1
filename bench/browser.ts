// What the HTTP scenarios share: a signed-in person's cookie jar, and percentiles.

export const PASSWORD = 'correct horse battery staple';

/** A cookie jar of one: enough for a signed-in person. */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async request(method: string, url: string, body?: Record<string, string>) {
    const res = await fetch(this.base + url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return { status: res.status, text: await res.text() };
  }
  /** The Cookie header this person sends, for autocannon. */
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async token(url: string) {
    const page = await this.request('GET', url);
    return /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  }
  async signIn(email: string) {
    const res = await this.request('POST', '/login', { _csrf: await this.token('/login'), email, password: PASSWORD });
    if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  }
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
