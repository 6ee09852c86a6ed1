import { expect } from 'chai';
import { runOnce } from '../src/db/steps-done-once.ts';

// A start-up step runs until it has once completed, then never again (server.ts fills people's
// search tokens so); one that fails runs again at the next start.

describe('steps done once at start-up', () => {
  it('runs a step the first time, skips it afterwards', async () => {
    let runs = 0;
    const step = async () => ++runs;
    expect(await runOnce('test-step', step)).to.equal(1);
    expect(await runOnce('test-step', step)).to.equal(undefined);
    expect(runs).to.equal(1);
    expect(await runOnce('another-step', step)).to.equal(2);
  });

  it('runs a step that failed again', async () => {
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('the database went away');
    };
    await runOnce('failing-step', failing).catch(() => undefined);
    expect(await runOnce('failing-step', async () => ++runs)).to.equal(2);
    expect(await runOnce('failing-step', async () => ++runs)).to.equal(undefined);
  });
});
