import { expect } from 'chai';
import mongoose from 'mongoose';
import { dropSupersededIndexes, SUPERSEDED_INDEXES } from '../src/db/superseded-indexes.ts';
import '../src/completions/completion-record.model.ts';
import '../src/enrolments/enrolment.model.ts';
import '../src/notices/notice.model.ts';
import '../src/people/person.model.ts';
import '../src/resources/resource.model.ts';
import '../src/sessions/training-session.model.ts';

// Indexes the models replaced are dropped at start-up (server.ts); what replaced them is made by
// the models.

describe('indexes no longer used', () => {
  const db = () => mongoose.connection.db!;
  const names = async (collection: string) => (await db().collection(collection).indexes()).map((i) => i.name);

  it('are dropped where a database still has them, and their replacements are the models’ own', async () => {
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
    await db().collection('enrolments').createIndex({ session: 1, requestedAt: 1 });
    await db().collection('users').createIndex({ fullName: 1 });
    expect(await names('enrolments')).to.include('session_1_requestedAt_1');

    expect(await dropSupersededIndexes()).to.have.members(['enrolments.session_1_requestedAt_1', 'users.fullName_1']);
    expect(await names('enrolments')).not.to.include('session_1_requestedAt_1');
    expect(await names('users')).not.to.include('fullName_1');
    for (const { collection, replacedBy } of SUPERSEDED_INDEXES) {
      expect(await names(collection), `${collection}.${replacedBy}`).to.include(replacedBy);
    }
    // again: nothing left to drop, and no error
    expect(await dropSupersededIndexes()).to.deep.equal([]);
  });
});
