import { expect } from 'chai';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { isObjectId } from '../src/db/object-id.ts';
import { conflict, HttpError, notFound, StaleFormError } from '../src/http/errors.ts';
import { flash } from '../src/http/flash.ts';
import { handleForm, orRefusal, type FormOptions } from '../src/http/form.ts';
import { text } from '../src/http/validate.ts';

// The one form flow, on a tiny app: the session is a plain object and the form "page" is JSON.

const thingSchema = z.object({ name: text(20), tags: z.unknown().optional() });
type Thing = { id: string; name: string };

/** What the form's save refuses, by the name typed. */
async function saveThing(input: z.output<typeof thingSchema>): Promise<Thing> {
  if (input.name === 'stale') throw new StaleFormError('errors.staleForm');
  if (input.name === 'archived') throw conflict('things:archived', { name: input.name });
  if (input.name === 'taken') throw conflict('things:taken');
  return { id: 'abc', name: input.name };
}

// an error page as the app's error handler answers it: the status and the message key
const errorPage: ErrorRequestHandler = (error: HttpError, _req, res, _next) => {
  res.status(error.status).json({ page: error.messageKey });
};

function formApp(options: Partial<FormOptions<typeof thingSchema, Thing>> = {}) {
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
      schema: thingSchema,
      save: saveThing,
      success: (thing) => ({
        flash: { key: 'things:created', params: { name: thing.name } },
        redirect: `/things/${thing.id}`,
      }),
      refused: async (refusal, error) => {
        res.json({ ...refusal, error: error.name });
      },
      listFields: ['tags'],
      currentRevision: async () => 7,
      ...options,
    });
  });
  app.post('/things/:id/:outcome', (req, res) =>
    orRefusal(req, res, '/things', async () => {
      if (req.params.outcome === 'full') throw conflict('things:full', { seats: 3 });
      if (req.params.outcome === 'missing') throw notFound();
      flash(req.session, { type: 'success', key: 'things:done' });
    }),
  );
  app.use(errorPage);
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

  it('shows further messages after the success message', async () => {
    const { app, sessions } = formApp({
      success: (thing) => ({
        flash: { key: 'things:created' },
        also: [{ type: 'info', key: 'things:unqualified', params: { names: 'Ann' } }],
        redirect: `/things/${thing.id}`,
      }),
    });
    const res = await request(app).post('/things').type('form').send({ name: 'Room' });
    expect(res.status).to.equal(303);
    expect(sessions[0]!.flash).to.deep.equal([
      { type: 'success', key: 'things:created' },
      { type: 'info', key: 'things:unqualified', params: { names: 'Ann' } },
    ]);
  });

  it('re-renders an invalid form with 422, the input kept and the message beside the field', async () => {
    const { app, sessions } = formApp();
    const res = await request(app).post('/things').type('form').send('name=&tags=a');
    expect(res.status).to.equal(422);
    expect(res.body.values).to.deep.equal({ name: '', tags: ['a'] });
    expect(res.body.errors).to.have.property('name');
    expect(res.body.error).to.equal('FieldValidationError');
    expect(sessions[0]!.flash).to.equal(undefined);
  });

  it('answers a stale form with 409, the typed values and the current revision', async () => {
    const { app } = formApp();
    const res = await request(app).post('/things').type('form').send('name=stale&revision=3');
    expect(res.status).to.equal(409);
    expect(res.body.values).to.deep.equal({ name: 'stale', revision: '7', tags: [] });
    expect(res.body.errors).to.deep.equal({ _form: { key: 'errors.staleForm' } });
    expect(res.body.error).to.equal('StaleFormError');
  });

  it('puts the current revision in the form’s own revision field when it has another name', async () => {
    const { app } = formApp({ revisionField: 'version' });
    const res = await request(app).post('/things').type('form').send('name=stale&version=3');
    expect(res.status).to.equal(409);
    expect(res.body.values).to.deep.equal({ name: 'stale', version: '7', tags: [] });
  });

  it('keeps the typed revision when the form is refused for anything but being stale', async () => {
    const { app } = formApp();
    const res = await request(app).post('/things').type('form').send('name=&revision=3');
    expect(res.status).to.equal(422);
    expect(res.body.values.revision).to.equal('3');
  });

  it('shows a listed refusal as a message on the form, with its status and the input kept', async () => {
    const { app, sessions } = formApp({ refusals: ['things:archived'] });
    const res = await request(app).post('/things').type('form').send('name=archived&revision=3');
    expect(res.status).to.equal(409);
    expect(res.body.values).to.deep.equal({ name: 'archived', revision: '3', tags: [] });
    expect(res.body.errors).to.deep.equal({ _form: { key: 'things:archived', params: { name: 'archived' } } });
    expect(res.body.error).to.equal('HttpError');
    expect(sessions[0]!.flash).to.equal(undefined);
  });

  it('leaves any other refusal to the error page', async () => {
    const { app } = formApp({ refusals: ['things:archived'] });
    const res = await request(app).post('/things').type('form').send('name=taken');
    expect(res.status).to.equal(409);
    expect(res.body).to.deep.equal({ page: 'things:taken' });
  });
});

describe('a button’s refusal', () => {
  it('does the action and goes back to the page with 303', async () => {
    const { app, sessions } = formApp();
    const res = await request(app).post('/things/abc/done');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/things');
    expect(sessions[0]!.flash).to.deep.equal([{ type: 'success', key: 'things:done' }]);
  });

  it('brings a 409 back to the page as an error message', async () => {
    const { app, sessions } = formApp();
    const res = await request(app).post('/things/abc/full');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/things');
    expect(sessions[0]!.flash).to.deep.equal([{ type: 'error', key: 'things:full', params: { seats: 3 } }]);
  });

  it('leaves any other error to the error page', async () => {
    const { app, sessions } = formApp();
    const res = await request(app).post('/things/abc/missing');
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ page: 'errors.notFound' });
    expect(sessions[0]!.flash).to.equal(undefined);
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
