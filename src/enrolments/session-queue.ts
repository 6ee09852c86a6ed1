// Placements in one session run one after another within this process. Correctness does not
// depend on it: the unique indexes decide across processes and if this queue were removed
// (decision 0002). It is there for speed: on FerretDB a refused insert costs a write, and a
// hundred requests racing for the same next number cost thousands of them; queued, each
// claim is one read and one insert, and first come is first served in arrival order.

const tails = new Map<string, Promise<unknown>>();

export async function inSessionQueue<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(sessionId) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  tails.set(sessionId, tail);
  try {
    return await run;
  } finally {
    if (tails.get(sessionId) === tail) tails.delete(sessionId);
  }
}
