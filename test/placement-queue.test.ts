import { expect } from 'chai';
import mongoose from 'mongoose';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { doorTurn, placementDoor } from '../src/enrolments/placement-door.ts';
import { reserveTurn } from '../src/enrolments/placement.ts';

// The placement queue's turns (placement.ts): work runs in the order the turns were reserved,
// whatever order it is handed in; a turn given up or whose work failed never holds the queue;
// sessions do not wait on each other. No clock: "has not run" is checked after the event loop
// has had every chance to run it.

const aSession = () => new mongoose.Types.ObjectId().toHexString();

/** Lets every pending promise and I/O callback run. */
const settled = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

function recorder() {
  const log: string[] = [];
  const work =
    (name: string, fail = false) =>
    async () => {
      log.push(`${name} starts`);
      await settled();
      log.push(`${name} ends`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
  return { log, work };
}

describe('placement queue turns', () => {
  it('runs turns in the order they were reserved, whatever order their work comes in', async () => {
    const session = aSession();
    const [a, b, c] = [reserveTurn(session), reserveTurn(session), reserveTurn(session)];
    const { log, work } = recorder();
    const ran = [c!.run(work('C'))];
    await settled();
    expect(log).to.deep.equal([]); // C waits for A and B, neither has even started
    ran.push(b!.run(work('B')));
    await settled();
    expect(log).to.deep.equal([]);
    ran.push(a!.run(work('A')));
    expect(await Promise.all(ran)).to.deep.equal(['C', 'B', 'A']);
    expect(log).to.deep.equal(['A starts', 'A ends', 'B starts', 'B ends', 'C starts', 'C ends']);
  });

  it('lets later turns go once an unused turn is released, and a released turn runs at the back', async () => {
    const session = aSession();
    const [a, b, c] = [reserveTurn(session), reserveTurn(session), reserveTurn(session)];
    const { log, work } = recorder();
    const cRan = c!.run(work('C'));
    b!.release();
    await settled();
    expect(log).to.deep.equal([]); // A still holds its turn
    a!.release();
    a!.release(); // idempotent
    await cRan;
    expect(log).to.deep.equal(['C starts', 'C ends']);
    // B gave its turn up, then came after all: it queues behind whoever reserved since
    const d = reserveTurn(session);
    const bRan = b!.run(work('B'));
    await settled();
    expect(log).to.have.length(2);
    await d.run(work('D'));
    await bRan;
    expect(log.slice(2)).to.deep.equal(['D starts', 'D ends', 'B starts', 'B ends']);
  });

  it('does not let a turn whose work fails hold the queue', async () => {
    const session = aSession();
    const [a, b] = [reserveTurn(session), reserveTurn(session)];
    const { log, work } = recorder();
    const bRan = b!.run(work('B'));
    let failure: unknown;
    await a!.run(work('A', true)).catch((error: unknown) => (failure = error));
    expect(failure).to.be.an('error').with.property('message', 'A failed');
    expect(await bRan).to.equal('B');
    expect(log).to.deep.equal(['A starts', 'A ends', 'B starts', 'B ends']);
  });

  it('ignores a release once the work has started: the turn ends with its work', async () => {
    const session = aSession();
    const [a, b] = [reserveTurn(session), reserveTurn(session)];
    const { log, work } = recorder();
    const aRan = a!.run(work('A'));
    const bRan = b!.run(work('B'));
    a!.release(); // e.g. the client went while its place was being claimed
    await Promise.all([aRan, bRan]);
    expect(log).to.deep.equal(['A starts', 'A ends', 'B starts', 'B ends']);
  });

  it("does not make one session's work wait for another's", async () => {
    const [one, two] = [aSession(), aSession()];
    const held = reserveTurn(one); // never used yet
    const behind = reserveTurn(one);
    const { log, work } = recorder();
    const behindRan = behind.run(work('one'));
    expect(await reserveTurn(two).run(work('two'))).to.equal('two');
    expect(log).to.deep.equal(['two starts', 'two ends']);
    held.release();
    await behindRan;
    expect(log).to.deep.equal(['two starts', 'two ends', 'one starts', 'one ends']);
  });
});

describe('the placement door', () => {
  it('gives up the turn of a request that does not use it within its patience: those behind go on', async () => {
    const session = aSession();
    let laterStarted!: () => void;
    const laterWorkStarted = new Promise<void>((resolve) => (laterStarted = resolve));
    let stalledArrived!: () => void;
    const stalledIsIn = new Promise<void>((resolve) => (stalledArrived = resolve));
    const app = express();
    app.use(placementDoor(20));
    app.post('/sessions/:id/enrolments/enrol', async (req, res) => {
      if (req.query.who === 'stalled') {
        // never uses its turn, and answers only once the later request's work has run: without
        // the patience the later one would wait for this answer, and neither would end
        stalledArrived();
        await laterWorkStarted;
        res.send('stalled');
        return;
      }
      await doorTurn(req)!.run(async () => laterStarted());
      res.send('later');
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sessions/${session}/enrolments/enrol`;
    try {
      const stalled = fetch(`${base}?who=stalled`, { method: 'POST' });
      await stalledIsIn; // its turn is reserved, ahead of the later one's
      const later = fetch(`${base}?who=later`, { method: 'POST' });
      const answers = await Promise.all([stalled, later].map(async (r) => (await r).text()));
      expect(answers).to.deep.equal(['stalled', 'later']);
    } finally {
      server.close();
    }
  });
});
