import autocannon from 'autocannon';

// Loading one page with autocannon, every answer checked: a wrong answer (another status, or
// a body without what the page must show) is counted, and the scenario fails on any. Times
// are only measured. Slow databases answer in seconds: wait for answers, never time out.

export type PageCheck = (body: string) => boolean;

export type Measured = {
  /** how the load was bounded: a time, or a number of requests all waited for */
  mode: string;
  connections: number;
  requests: number;
  wrong: number;
  firstWrong?: string;
  p50: number;
  p99: number;
  perSecond: number;
};

/**
 * Loads a page for about `seconds`. autocannon stops at its time and drops the requests under
 * way: a page of seconds under 8 connections would count none. So when one request took
 * `singleMs` and fewer than 3 rounds would fit, a fixed number of requests is made and all
 * are waited for (a round per connection, and three requests, at least).
 */
export async function loadPage(
  url: string,
  options: { cookie?: string; connections: number; seconds: number; check: PageCheck; singleMs: number },
): Promise<Measured> {
  let wrong = 0;
  let firstWrong: string | undefined;
  const rounds = (options.seconds * 1000) / (Math.max(1, options.singleMs) * options.connections);
  const length =
    rounds >= 3
      ? { duration: options.seconds }
      : { amount: Math.max(3, options.connections * Math.max(1, Math.round(rounds))) };
  const result = await autocannon({
    url,
    connections: options.connections,
    ...length,
    timeout: 600,
    headers: options.cookie ? { cookie: options.cookie } : {},
    requests: [
      {
        method: 'GET',
        onResponse: (status, body) => {
          if (status === 200 && options.check(body)) return;
          wrong++;
          firstWrong ??= `${status}: ${body.slice(0, 200)}`;
        },
      },
    ],
  });
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    mode: 'duration' in length ? `${options.seconds} s` : `${length.amount} requests`,
    connections: options.connections,
    requests: answered,
    wrong: wrong + result.errors,
    firstWrong: firstWrong ?? (result.errors ? `${result.errors} connection errors` : undefined),
    p50: result.latency.p50,
    p99: result.latency.p99,
    perSecond: Math.round((answered / result.duration) * 10) / 10,
  };
}

export const describeMeasured = (m: Measured) =>
  `p50 ${m.p50} ms, p99 ${m.p99} ms, ${m.perSecond} req/s (${m.requests} requests, ${m.mode})`;
