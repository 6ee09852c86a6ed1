import path from 'node:path';
import { expect } from 'chai';
import express, { type Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { errorHandler, toHttpError } from '../src/http/error-handler.ts';
import { createLogger } from '../src/http/logger.ts';
import { pageWindow } from '../src/db/pagination.ts';
import { pageNumber } from '../src/http/validate.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { buildApp, testConfig, testI18n } from './support/context.ts';
import { buildInstitution, buildUser } from './support/factories.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { visibleText } from './page-helpers.ts';

// Whatever a person types after "?" in an address, a list answers a page, never a 500:
// page numbers out of range clamp (0 and below to the first page, beyond the end to the last),
// and a query value a schema cannot use is a 400 that says which one.

const LISTS = ['/people', '/sessions', '/modules', '/catalogue', '/notices', '/institutions', '/curricula'];

const OUT_OF_RANGE = ['0', '-1', '-999999', '+0', '00', '99999999999999999999'];
const GARBAGE = ['abc', '1.5', '1e3', '', ' ', '%00', '%0d%0a', '0x10', '%EF%BC%91', '<script>'];

describe('page numbers in the query string', () => {
  let app: Express;
  let admin: Agent;
  beforeEach(async () => {
    app = await buildApp();
    admin = await signIn(app, (await buildUser({ roles: ['admin'] })).email!);
  });

  for (const list of LISTS) {
    it(`when ${list} is asked for a page out of range, it answers the list, never an error`, async () => {
      for (const page of OUT_OF_RANGE) {
        const res = await admin.get(`${list}?page=${page}`);
        expect(res.status, `${list}?page=${page}`).to.equal(200);
      }
    });

    it(`when ${list} is sent a page that is no number, or other nonsense, it answers the first page`, async () => {
      for (const page of GARBAGE) {
        const res = await admin.get(`${list}?page=${page}`);
        expect(res.status, `${list}?page=${page}`).to.equal(200);
      }
      for (const query of ['page=1&page=2', 'page[]=2', 'page[$gt]=0', 'status=%3Cx%3E&q=%0A&page=0', 'x=1']) {
        expect((await admin.get(`${list}?${query}`)).status, `${list}?${query}`).to.equal(200);
      }
    });
  }

  it('when a list of two pages is asked for page 0, -3 or 99, it shows page 1, 1 and 2', async () => {
    const institution = await buildInstitution();
    for (let i = 0; i < 26; i++) await buildUser({ institution });
    const pageShown = async (page: string) => visibleText((await admin.get(`/people?status=all&page=${page}`)).text);
    expect(await pageShown('0')).to.include('Page 1 of 2');
    expect(await pageShown('-3')).to.include('Page 1 of 2');
    expect(await pageShown('99')).to.include('Page 2 of 2');
    expect(await pageShown('2')).to.include('Page 2 of 2');
  });

  it('when a notice is marked read from page 0 or a negative page, it goes back to the first page', async () => {
    const person = await buildUser();
    const agent = await signIn(app, person.email!);
    for (const page of ['0', '-2', 'abc', '99999999999999999999']) {
      const notice = await Notice.create({ person: person._id, kind: 'session.changed' });
      const res = await post(agent, `/notices/${notice.id}/read`, { page });
      expect(res.status, `page=${page}`).to.equal(303);
      expect(res.headers.location, `page=${page}`).to.match(/^\/notices(\?page=\d+)?$/);
      if (page !== '99999999999999999999') expect(res.headers.location).to.equal('/notices');
      expect((await Notice.findById(notice._id).lean())?.readAt).to.be.instanceOf(Date);
    }
  });
});

describe('pageNumber and pageWindow', () => {
  const read = (value: unknown) => pageNumber().parse(value);

  it('reads a whole number and clamps 0 and negatives to 1', () => {
    expect(read('3')).to.equal(3);
    expect(read('0')).to.equal(1);
    expect(read('-7')).to.equal(1);
    expect(read('+2')).to.equal(2);
  });

  it('reads anything else as 1 and never fails', () => {
    for (const value of [undefined, '', 'abc', '1.5', '1e3', ['2', '3'], { $gt: 0 }, null, 5]) {
      expect(pageNumber().safeParse(value).success, JSON.stringify(value)).to.equal(true);
      expect(read(value), JSON.stringify(value)).to.equal(1);
    }
  });

  it('keeps a huge page finite, for the list to clamp to its last page', () => {
    const page = read('99999999999999999999');
    expect(Number.isSafeInteger(page)).to.equal(true);
    expect(pageWindow(30, page)).to.deep.include({ page: 2, pageCount: 2, skip: 25 });
  });

  it('clamps a window below the first page, beyond the last, and when the number is not finite', () => {
    expect(pageWindow(30, 0)).to.deep.include({ page: 1, skip: 0 });
    expect(pageWindow(30, -4)).to.deep.include({ page: 1, skip: 0 });
    expect(pageWindow(30, Number.NaN)).to.deep.include({ page: 1, skip: 0 });
    expect(pageWindow(30, Number.POSITIVE_INFINITY)).to.deep.include({ page: 1, skip: 0 });
    expect(pageWindow(0, 5)).to.deep.include({ page: 1, pageCount: 1, skip: 0 });
  });
});

describe('a query value that a schema refuses', () => {
  /** A bare app with one route that parses its query strictly, behind Cadre's own error handler. */
  async function probeApp(): Promise<Express> {
    const app = express();
    app.set('view engine', 'ejs');
    app.set('views', path.join(testConfig.projectRoot, 'views'));
    app.set('query parser', 'simple');
    const schema = z.object({ size: z.coerce.number().int().min(1) });
    app.get('/probe', (req, res) => {
      res.json(schema.parse(req.query));
    });
    app.use(errorHandler(createLogger('silent', false), false, await testI18n(), 'en'));
    return app;
  }

  it('when parsed straight from the query string, it answers a 400 page naming the value, not a 500', async () => {
    const app = await probeApp();
    const res = await request(app).get('/probe?size=0').set('Accept', 'text/html');
    expect(res.status).to.equal(400);
    const text = visibleText(res.text);
    expect(text).to.include('Bad request');
    expect(text).to.include('The address or form has a value that cannot be used: “size”.');
    expect(text).not.to.include('Something went wrong');
  });

  it('when asked for JSON, it answers 400 with the same reason', async () => {
    const app = await probeApp();
    const res = await request(app).get('/probe?size=abc').set('Accept', 'application/json');
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.equal(
      'The address or form has a value that cannot be used: “size”. Go back and try again from the page’s own links and forms.',
    );
  });

  it('maps any ZodError to 400, and names a field only when its name is a plain one', () => {
    const named = toHttpError(z.object({ page: z.number() }).safeParse({ page: 'x' }).error);
    expect(named.status).to.equal(400);
    expect(named.messageKey).to.equal('errors.badValue');
    expect(named.params).to.deep.equal({ field: 'page' });

    const strange = toHttpError(z.object({ '<b>x</b>': z.number() }).safeParse({}).error);
    expect(strange.status).to.equal(400);
    expect(strange.messageKey).to.equal('errors.badRequest');

    const unexpected = toHttpError(z.object({}).strict().safeParse({ extra: 1 }).error);
    expect(unexpected).to.deep.include({ status: 400, messageKey: 'errors.badValue' });
    expect(unexpected.params).to.deep.equal({ field: 'extra' });
  });
});
