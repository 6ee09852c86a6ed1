import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { isObjectId } from '../src/db/object-id.ts';
import { StaleFormError } from '../src/http/errors.ts';
import { handleForm } from '../src/http/form.ts';
import { text } from '../src/http/validate.ts';

// The one form flow, on a tiny app: the session is a plain object and the form "page" is JSON.

function formApp() {
  const sessions: { flash?: unknown[] }[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, _res, next) => {
    const session = {};
    sessions.push(session);
    (req as unknown as { session: object }).session = session;
    next();
  });
  app.post('/things', async (req, res) => {
    await handleForm(req, res, {
      schema: z.object({ name: text(20), tags: z.unknown().optional() }),
      save: async (input) => {
        if (input.name === 'stale') throw new StaleFormError('errors.staleForm');
        return { id: 'abc', name: input.name };
      },
      success: (thing) => ({
        flash: { key: 'things:created', params: { name: thing.name } },
        redirect: `/things/${thing.id}`,
      }),
      refused: async (refusal) => {
        res.json(refusal);
      },
      listFields: ['tags'],
      currentRevision: async () => 7,
    });
  });
  return { app, sessions };
}

describe('the form helper', () => {
  it('saves, flashes and redirects with 303', async () => {
    const { app, sessions } = formApp();
    const res = await request(app).post('/things').type('form').send({ name: 'Room' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/things/abc');
    expect(sessions[0]!.flash).to.deep.equal([{ type: 'success', key: 'things:created', params: { name: 'Room' } }]);
  });

  it('re-renders an invalid form with 422, the input kept and the message beside the field', async () => {
    const { app, sessions } = formApp();
    const res = await request(app).post('/things').type('form').send('name=&tags=a');
    expect(res.status).to.equal(422);
    expect(res.body.values).to.deep.equal({ name: '', tags: ['a'] });
    expect(res.body.errors).to.have.property('name');
    expect(sessions[0]!.flash).to.equal(undefined);
  });

  it('answers a stale form with 409, the typed values and the current revision', async () => {
    const { app } = formApp();
    const res = await request(app).post('/things').type('form').send('name=stale&revision=3');
    expect(res.status).to.equal(409);
    expect(res.body.values).to.deep.equal({ name: 'stale', revision: '7', tags: [] });
    expect(res.body.errors).to.deep.equal({ _form: { key: 'errors.staleForm' } });
  });
});

describe('an ObjectId', () => {
  it('is 24 hex digits of either case, and nothing else', () => {
    expect(isObjectId('0123456789abcdefABCDEF01')).to.equal(true);
    expect(isObjectId('0123456789abcdef0123456')).to.equal(false);
    expect(isObjectId('0123456789abcdef0123456z')).to.equal(false);
    expect(isObjectId({ $gt: '' })).to.equal(false);
  });
});
