import { expect } from 'chai';
import mongoose from 'mongoose';
import { MongoClient } from 'mongodb';
import type { SessionData } from 'express-session';
import { LoginSessionStore, type StoredLoginSession } from '../src/auth/login-session-store.ts';
import { testDatabaseUri, watchForUnacknowledgedWrites } from './setup.ts';

// The login-session store: every write acknowledged, expired sessions removed by Cadre's own
// clean-up, and a connection that ran the clean-up still answers each query with its own reply.

const MINUTE = 60_000;

const sessionData = (extra: Record<string, unknown> = {}) =>
  ({ cookie: { originalMaxAge: 30 * MINUTE, expires: new Date(Date.now() + 30 * MINUTE) }, ...extra }) as SessionData;

const call = <T>(run: (done: (error: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));

function storeOn(client: MongoClient, touchAfterMs = MINUTE) {
  const collection = client.db(mongoose.connection.name).collection<StoredLoginSession>('login_sessions');
  return { collection, store: new LoginSessionStore(collection, { idleMs: 30 * MINUTE, touchAfterMs }) };
}

describe('login-session store', () => {
  it('keeps a session until it is destroyed, and answers none once it has expired', async () => {
    const { store, collection } = storeOn(mongoose.connection.getClient());
    await call((done) => store.set('alive', sessionData({ returnTo: '/sessions' }), done));
    const found = await call<SessionData | null>((done) => store.get('alive', done));
    expect(found?.returnTo).to.equal('/sessions');

    await collection.updateOne({ _id: 'alive' }, { $set: { expires: new Date(Date.now() - 1000) } });
    expect(await call((done) => store.get('alive', done))).to.equal(null);

    await call((done) => store.destroy('alive', done));
    expect(await collection.countDocuments({ _id: 'alive' })).to.equal(0);
  });

  it('stores no write time inside the session, and a touch soon after the last write writes nothing', async () => {
    const { store, collection } = storeOn(mongoose.connection.getClient());
    await call((done) => store.set('s1', sessionData(), done));
    const loaded = (await call<SessionData | null>((done) => store.get('s1', done)))!;
    expect(loaded.lastModified).to.be.instanceOf(Date);
    await call((done) => store.set('s1', loaded, done));
    const stored = (await collection.findOne({ _id: 's1' }))!;
    expect(JSON.parse(stored.session)).not.to.have.property('lastModified');

    const before = stored.expires.getTime();
    const later = { ...loaded, cookie: { ...loaded.cookie, expires: new Date(before + MINUTE) } } as SessionData;
    await call((done) => store.touch('s1', { ...later, lastModified: stored.lastModified }, done));
    expect((await collection.findOne({ _id: 's1' }))!.expires.getTime()).to.equal(before);

    await call((done) => store.touch('s1', { ...later, lastModified: new Date(Date.now() - 2 * MINUTE) }, done));
    expect((await collection.findOne({ _id: 's1' }))!.expires.getTime()).to.equal(before + MINUTE);
  });

  it('the clean-up removes the expired sessions and keeps the live ones', async () => {
    const { store, collection } = storeOn(mongoose.connection.getClient());
    const past = new Date(Date.now() - MINUTE);
    await collection.insertMany([
      { _id: 'old-1', session: '{}', expires: past, lastModified: past },
      { _id: 'old-2', session: '{}', expires: past, lastModified: past },
    ]);
    await call((done) => store.set('live', sessionData(), done));
    expect(await store.removeExpired()).to.equal(2);
    expect((await collection.find({}).toArray()).map((s) => s._id)).to.deep.equal(['live']);
  });

  it('after the clean-up, each read on the same connection gets its own document', async () => {
    // one pooled connection, so the clean-up and the reads after it share a socket: an
    // unacknowledged delete there made FerretDB's stray reply answer the next query
    const client = new MongoClient(testDatabaseUri(), { maxPoolSize: 1, monitorCommands: true });
    client.on('commandStarted', watchForUnacknowledgedWrites);
    try {
      const { store, collection } = storeOn(client);
      const people = client.db(mongoose.connection.name).collection<{ _id: string; name: string }>('probe_people');
      await people.insertMany([
        { _id: 'admin', name: 'Administrator' },
        { _id: 'staff', name: 'Staff member' },
      ]);
      const past = new Date(Date.now() - MINUTE);
      await collection.insertOne({ _id: 'expired', session: '{}', expires: past, lastModified: past });

      for (let cycle = 0; cycle < 3; cycle++) {
        await store.removeExpired();
        for (const id of ['admin', 'staff', 'admin', 'staff'])
          expect((await people.findOne({ _id: id }))?._id, `cycle ${cycle}, read of ${id}`).to.equal(id);
        expect(await people.countDocuments({})).to.equal(2);
      }
    } finally {
      await client.close();
    }
  });
});
