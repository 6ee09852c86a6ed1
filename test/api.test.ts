import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { ApiToken } from '../src/api/api-token.model.ts';
import { createToken } from '../src/api/api-tokens.service.ts';
import type { ApiScope } from '../src/api/api-scopes.ts';
import { Person } from '../src/people/person.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { auditEvents } from './support/audit.ts';
import { buildRecord } from './support/completion-records.ts';
import { buildApp } from './support/context.ts';
import { daysFromNow } from './support/factories.ts';
import { expectOneOf, expectPageOf } from './support/openapi.ts';
import { buildWorld } from './support/world.ts';

// The read-only JSON API (issue 14 part 5, decision 0022): a token's owner reads what their pages
// show them, a page at a time by cursor; every refusal is a problem+json; every answer holds to
// the OpenAPI document, which is itself valid OpenAPI 3.1.

describe('the read-only API', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world() {
    const w = await buildWorld({
      countries: { ug: { code: 'UG', name: 'Uganda' } },
      institutions: {
        academy: { country: 'ug', name: 'Uganda Prisons Academy', code: 'UPA' },
        luzira: { country: 'ug', name: 'Luzira Prison', code: 'LUZ' },
      },
      people: {
        admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
        coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
        trainer: { roles: ['trainer'], at: 'academy', fullName: 'Tom Trainer' },
        ana: { roles: ['staff'], at: 'academy', fullName: 'Ana Okello', serviceNumber: 'UG-1', gender: 'female' },
        boris: { roles: ['staff'], at: 'academy', fullName: 'Boris Mugisha', serviceNumber: 'UG-2', gender: 'male' },
        far: { roles: ['staff'], at: 'luzira', fullName: 'Fred Far', serviceNumber: 'UG-9' },
      },
      modules: { pve: { code: 'PVE-1', title: 'Preventing violent extremism', status: 'published', hours: 12 } },
      sessions: {
        here: {
          at: 'academy',
          module: 'pve',
          trainers: ['trainer'],
          status: 'open',
          days: [{ date: daysFromNow(10), start: '09:00', end: '17:00' }],
        },
        there: {
          at: 'luzira',
          module: 'pve',
          status: 'open',
          days: [{ date: daysFromNow(12), start: '09:00', end: '17:00' }],
        },
      },
    });
    const issuer = (i: (typeof w.institutions)['academy']) => ({ _id: i._id, name: i.name, country: i.country });
    const records = {
      ana: await buildRecord(w.people.ana, w.modules.pve, issuer(w.institutions.academy), {
        startedOn: '2026-03-02',
        gender: 'female',
        pre: 40,
        post: 85,
        certificateNumber: 'UG-2026-000001',
      }),
      boris: await buildRecord(w.people.boris, w.modules.pve, issuer(w.institutions.academy), {
        startedOn: '2026-04-06',
        result: 'not_completed',
      }),
      far: await buildRecord(w.people.far, w.modules.pve, issuer(w.institutions.luzira), { startedOn: '2026-03-09' }),
    };
    return { ...w, records };
  }
  type W = Awaited<ReturnType<typeof world>>;
  let w: W;
  beforeEach(async () => {
    w = await world();
  });

  const ALL: ApiScope[] = ['read:people', 'read:sessions', 'read:completions'];

  /** A token of this person's, made as the tokens page makes it; the secret. */
  async function tokenOf(person: W['people']['admin'], scopes: ApiScope[] = ALL, days = 30) {
    const actor = toActor((await Person.findById(person._id).lean())!);
    return (await createToken(actor, { name: 'test', scopes, days })).secret;
  }

  const get = (path: string, secret?: string) => {
    const req = request(app).get(path);
    return secret ? req.set('Authorization', `Bearer ${secret}`) : req;
  };

  function expectProblem(res: request.Response, status: number, type: string) {
    expect(res.status, res.text).to.equal(status);
    expect(res.headers['content-type']).to.equal('application/problem+json; charset=utf-8');
    expect(res.body).to.include({ type: `urn:cadre:problem:${type}`, status });
    expectOneOf('Problem', res.body);
  }

  /** Every record of a list, following next_cursor, `limit` a page. */
  async function walk(path: string, secret: string, limit: number) {
    const seen: { id: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, secret).expect(200);
      expect(res.body.data.length).to.be.at.most(limit);
      seen.push(...(res.body.data as { id: string }[]));
      cursor = res.body.next_cursor as string | null;
      pages += 1;
      expect(pages).to.be.below(50);
    } while (cursor);
    return { ids: seen.map((r) => r.id), pages };
  }

  describe('the OpenAPI document', () => {
    it('is served without a token and is valid OpenAPI 3.1', async () => {
      const res = await get('/api/v1/openapi.json')
        .expect(200)
        .expect('Content-Type', /application\/json/);
      expect(res.body.openapi).to.equal('3.1.0');
      expect(Object.keys(res.body.paths)).to.include.members(['/people', '/sessions', '/completions', '/me']);
      await SwaggerParser.validate(structuredClone(res.body));
      // and the validator does look: a broken copy is refused
      const broken = structuredClone(res.body);
      broken.paths['/people'].get.responses['200'].content = 'none';
      const refused = await SwaggerParser.validate(broken).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(String(refused)).to.match(/schema validation failed/);
    });
  });

  describe('tokens', () => {
    it('refuses a request without a token, with a bearer challenge', async () => {
      const res = await get('/api/v1/people');
      expectProblem(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate']).to.equal('Bearer realm="cadre"');
    });

    it('refuses an unknown, malformed or cookie-borne credential', async () => {
      expectProblem(await get('/api/v1/people', 'cadre_not-a-real-token'), 401, 'unauthorized');
      expectProblem(await request(app).get('/api/v1/people').set('Authorization', 'Basic YTpi'), 401, 'unauthorized');
      const secret = await tokenOf(w.people.admin);
      // a token is never taken from the URL, where logs keep it
      expectProblem(await get(`/api/v1/people?access_token=${secret}`), 401, 'unauthorized');
      const withBoth = await get(`/api/v1/people?access_token=x`, secret);
      expectProblem(withBoth, 400, 'invalid-parameters');
      expect(withBoth.body.errors).to.deep.equal([
        { name: 'access_token', reason: 'This API does not know this parameter.' },
      ]);
    });

    it('refuses an expired or a revoked token, and the token of someone deactivated', async () => {
      const secret = await tokenOf(w.people.admin);
      await get('/api/v1/me', secret).expect(200);
      const token = await ApiToken.findOne({ person: w.people.admin._id }).lean();

      await ApiToken.updateOne({ _id: token!._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = await get('/api/v1/me', secret);
      expectProblem(expired, 401, 'token-expired');
      expect(expired.headers['www-authenticate']).to.include('error="invalid_token"');

      await ApiToken.updateOne(
        { _id: token!._id },
        { $set: { expiresAt: new Date(Date.now() + 86_400_000), revokedAt: new Date() } },
      );
      expectProblem(await get('/api/v1/me', secret), 401, 'token-revoked');

      const other = await tokenOf(w.people.coordinator);
      await Person.updateOne({ _id: w.people.coordinator._id }, { $set: { active: false } });
      expectProblem(await get('/api/v1/me', other), 401, 'unauthorized');
    });

    it('reads only within its scopes, and only what its owner may still read', async () => {
      const secret = await tokenOf(w.people.coordinator, ['read:sessions']);
      await get('/api/v1/sessions', secret).expect(200);
      const refused = await get('/api/v1/people', secret);
      expectProblem(refused, 403, 'insufficient-scope');
      expect(refused.headers['www-authenticate']).to.include('error="insufficient_scope", scope="read:people"');
      expectProblem(await get('/api/v1/completions', secret), 403, 'insufficient-scope');

      // the coordinator becomes a trainer: the token's scope is no longer theirs to use
      await Person.updateOne({ _id: w.people.coordinator._id }, { $set: { roles: ['trainer'] } });
      expectProblem(await get('/api/v1/sessions', secret), 403, 'forbidden');
      const me = await get('/api/v1/me', secret).expect(200);
      expect(me.body.token).to.deep.include({ scopes: ['read:sessions'], scopes_in_force: [] });
      expectOneOf('Me', me.body);
    });

    it('records when and from where a token was last used', async () => {
      const secret = await tokenOf(w.people.admin);
      expect((await ApiToken.findOne({ person: w.people.admin._id }).lean())!.lastUsedAt).to.equal(undefined);
      await get('/api/v1/me', secret).expect(200);
      const used = await ApiToken.findOne({ person: w.people.admin._id }).lean();
      expect(used!.lastUsedAt).to.be.instanceOf(Date);
      expect(used!.lastUsedFrom).to.match(/127\.0\.0\.1/);
    });

    it('only reads: anything but GET is refused, whatever the path', async () => {
      const secret = await tokenOf(w.people.admin);
      const res = await request(app).post('/api/v1/people').set('Authorization', `Bearer ${secret}`).send({});
      expectProblem(res, 405, 'method-not-allowed');
      expect(res.headers.allow).to.equal('GET, HEAD');
      await request(app).head('/api/v1/me').set('Authorization', `Bearer ${secret}`).expect(200);
      expectProblem(await request(app).delete('/api/v1/sessions'), 405, 'method-not-allowed');
      expectProblem(await get('/api/v1/nothing-here', secret), 404, 'not-found');
    });

    it('answers in the language asked for', async () => {
      const res = await get('/api/v1/people').set('Accept-Language', 'fr');
      expectProblem(res, 401, 'unauthorized');
      expect(res.body.title).to.equal('Jeton requis');
      expect(res.headers['content-language']).to.equal('fr');
    });
  });

  describe('people', () => {
    it("gives an administrator everyone, and a coordinator their institutions' people only", async () => {
      const admin = await get('/api/v1/people', await tokenOf(w.people.admin)).expect(200);
      expectPageOf('Person', admin.body);
      expect(admin.body.data.map((p: { full_name: string }) => p.full_name)).to.include.members([
        'Fred Far',
        'Ada Admin',
      ]);

      const coordinator = await get('/api/v1/people', await tokenOf(w.people.coordinator)).expect(200);
      const names = coordinator.body.data.map((p: { full_name: string }) => p.full_name);
      expect(names).to.have.members(['Cora Coordinator', 'Tom Trainer', 'Ana Okello', 'Boris Mugisha']);
      const ana = coordinator.body.data.find((p: { full_name: string }) => p.full_name === 'Ana Okello');
      expect(ana).to.deep.include({ service_number: 'UG-1', gender: 'female', roles: ['staff'], active: true });
      expect(ana.institution).to.deep.equal({
        id: w.institutions.academy._id.toHexString(),
        name: 'Uganda Prisons Academy',
        code: 'UPA',
      });
    });

    it('filters as the people list does, and refuses what it does not know', async () => {
      const secret = await tokenOf(w.people.coordinator);
      const staff = await get('/api/v1/people?role=staff&q=okello', secret).expect(200);
      expect(staff.body.data.map((p: { full_name: string }) => p.full_name)).to.deep.equal(['Ana Okello']);
      // another institution's people are not the coordinator's to ask for
      const far = await get(`/api/v1/people?institution=${w.institutions.luzira._id.toHexString()}`, secret).expect(
        200,
      );
      expect(far.body.data).to.deep.equal([]);
      const refused = await get('/api/v1/people?role=general&limit=500&status=gone&colour=red', secret);
      expectProblem(refused, 400, 'invalid-parameters');
      expect(refused.body.errors.map((e: { name: string }) => e.name)).to.have.members([
        'role',
        'limit',
        'status',
        'colour',
      ]);
    });

    it('reads one person in scope, audits it, and answers 404 for one out of scope', async () => {
      const secret = await tokenOf(w.people.coordinator);
      const ana = await get(`/api/v1/people/${w.people.ana._id.toHexString()}`, secret).expect(200);
      expectOneOf('Person', ana.body);
      expect(ana.body.full_name).to.equal('Ana Okello');
      const [viewed] = await auditEvents('person.view');
      expect(viewed!.subjectId!.toHexString()).to.equal(w.people.ana._id.toHexString());
      expect(viewed!.details).to.deep.equal({ via: 'api' });
      expect(viewed!.address).to.match(/127\.0\.0\.1/);

      expectProblem(await get(`/api/v1/people/${w.people.far._id.toHexString()}`, secret), 404, 'not-found');
      expectProblem(await get('/api/v1/people/not-an-id', secret), 404, 'not-found');
    });

    it('pages by cursor: every person once, in a stable order, however small the pages', async () => {
      const secret = await tokenOf(w.people.admin);
      const all = await get('/api/v1/people?limit=100', secret).expect(200);
      expect(all.body.next_cursor).to.equal(null);
      const everyone = (all.body.data as { id: string }[]).map((p) => p.id);
      expect(everyone).to.deep.equal([...everyone].sort());
      const walked = await walk('/api/v1/people?role=staff', secret, 2);
      const staff = [w.people.ana, w.people.boris, w.people.far].map((p) => p._id.toHexString()).sort();
      expect(walked.ids).to.deep.equal(staff);
      expect(walked.pages).to.equal(2);
      // a walk through a list is on the audit log once, at its first page, like an export
      const reads = await auditEvents('api.list');
      expect(reads.map((e) => e.details)).to.deep.equal([
        { list: 'people', token: 'test', filters: { status: 'all' } },
        { list: 'people', token: 'test', filters: { status: 'all', role: 'staff' } },
      ]);
      // a person added between two pages comes in its place by id, nobody twice
      const first = await get('/api/v1/people?limit=3', secret).expect(200);
      await Person.deleteOne({ _id: w.people.far._id });
      const rest = await walk(`/api/v1/people?cursor=${first.body.next_cursor}`, secret, 3);
      const ids = [...first.body.data.map((p: { id: string }) => p.id), ...rest.ids];
      expect(new Set(ids).size).to.equal(ids.length);
    });

    it('refuses a cursor it did not make', async () => {
      const secret = await tokenOf(w.people.admin);
      const res = await get('/api/v1/people?cursor=bm90LWEtY3Vyc29y', secret);
      expectProblem(res, 400, 'invalid-parameters');
      expect(res.body.errors).to.deep.equal([
        { name: 'cursor', reason: 'Use the next_cursor of a previous page, unchanged.' },
      ]);
    });
  });

  describe('sessions', () => {
    it("gives a coordinator their venues' sessions, an administrator every venue's", async () => {
      const coordinator = await get('/api/v1/sessions', await tokenOf(w.people.coordinator)).expect(200);
      expectPageOf('Session', coordinator.body);
      expect(coordinator.body.data.map((s: { id: string }) => s.id)).to.deep.equal([w.sessions.here._id.toHexString()]);
      const here = coordinator.body.data[0];
      expect(here).to.deep.include({ status: 'open', capacity: w.sessions.here.capacity });
      expect(here.module).to.deep.include({ code: 'PVE-1', title: 'Preventing violent extremism' });
      expect(here.trainers).to.deep.equal([{ person_id: w.people.trainer._id.toHexString(), lead: true }]);

      const admin = await walk('/api/v1/sessions', await tokenOf(w.people.admin), 1);
      expect(admin.ids).to.have.members([w.sessions.here._id.toHexString(), w.sessions.there._id.toHexString()]);
      const luzira = await get(
        `/api/v1/sessions?institution=${w.institutions.luzira._id.toHexString()}&status=open`,
        await tokenOf(w.people.admin),
      ).expect(200);
      expect(luzira.body.data.map((s: { id: string }) => s.id)).to.deep.equal([w.sessions.there._id.toHexString()]);
      const none = await get('/api/v1/sessions?status=completed', await tokenOf(w.people.admin)).expect(200);
      expect(none.body).to.deep.equal({ data: [], next_cursor: null });
    });

    it('reads one session as its page does', async () => {
      const secret = await tokenOf(w.people.coordinator);
      const one = await get(`/api/v1/sessions/${w.sessions.here._id.toHexString()}`, secret).expect(200);
      expectOneOf('Session', one.body);
      expect(one.body.days).to.deep.equal([{ date: daysFromNow(10), start: '09:00', end: '17:00' }]);
      const bad = await get('/api/v1/sessions?from=2026-02-30', secret);
      expectProblem(bad, 400, 'invalid-parameters');
      expect(bad.body.errors).to.deep.equal([{ name: 'from', reason: 'Give a day as YYYY-MM-DD.' }]);
    });
  });

  describe('completion records', () => {
    it("gives a coordinator the records issued in their scope, with the export's filters", async () => {
      const secret = await tokenOf(w.people.coordinator);
      const res = await get('/api/v1/completions', secret).expect(200);
      expectPageOf('Completion', res.body);
      const ids = res.body.data.map((r: { id: string }) => r.id);
      expect(ids).to.have.members([w.records.ana._id.toHexString(), w.records.boris._id.toHexString()]);
      const ana = res.body.data.find((r: { id: string }) => r.id === w.records.ana._id.toHexString());
      expect(ana).to.deep.include({
        name_as_issued: 'Ana Okello',
        result: 'completed',
        pre_score: 40,
        post_score: 85,
        certificate_number: 'UG-2026-000001',
        started_on: '2026-03-02',
        status: 'valid',
      });
      const completed = await get(
        '/api/v1/completions?result=completed&ended_from=2026-03-01&ended_to=2026-03-31',
        secret,
      ).expect(200);
      expect(completed.body.data.map((r: { id: string }) => r.id)).to.deep.equal([w.records.ana._id.toHexString()]);
      expectProblem(await get(`/api/v1/completions/${w.records.far._id.toHexString()}`, secret), 404, 'not-found');
      expectOneOf(
        'Completion',
        (await get(`/api/v1/completions/${w.records.ana._id.toHexString()}`, secret).expect(200)).body,
      );
    });

    it('pages every record once across institutions, a page of one at a time', async () => {
      const walked = await walk('/api/v1/completions', await tokenOf(w.people.admin), 1);
      const expected = [w.records.ana, w.records.boris, w.records.far].map((r) => r._id.toHexString()).sort();
      expect(walked.ids).to.deep.equal(expected);
      expect(walked.pages).to.equal(3);
    });
  });

  describe('limits', () => {
    it('answers 429 with Retry-After past the requests a token may make a minute', async () => {
      const limited = await buildApp({ apiLimits: { requestsPerMinute: 3, refusalsPerMinute: 100 } });
      const secret = await tokenOf(w.people.admin);
      for (let i = 0; i < 3; i++) {
        const ok = await request(limited).get('/api/v1/me').set('Authorization', `Bearer ${secret}`).expect(200);
        expect(ok.headers['ratelimit-remaining']).to.equal(String(2 - i));
      }
      const refused = await request(limited).get('/api/v1/me').set('Authorization', `Bearer ${secret}`);
      expectProblem(refused, 429, 'rate-limited');
      expect(Number(refused.headers['retry-after'])).to.be.within(1, 60);
    });

    it('stops an address that keeps presenting wrong tokens, even with a right one', async () => {
      const limited = await buildApp({ apiLimits: { requestsPerMinute: 100, refusalsPerMinute: 2 } });
      const secret = await tokenOf(w.people.admin);
      for (let i = 0; i < 2; i++) {
        await request(limited).get('/api/v1/me').set('Authorization', 'Bearer cadre_guess').expect(401);
      }
      const blocked = await request(limited).get('/api/v1/me').set('Authorization', `Bearer ${secret}`);
      expectProblem(blocked, 429, 'rate-limited');
    });
  });

  it('never writes a token to the logs', async () => {
    const lines: string[] = [];
    const logged = await buildApp({ logLines: lines });
    const secret = await tokenOf(w.people.admin);
    await request(logged).get('/api/v1/me').set('Authorization', `Bearer ${secret}`).expect(200);
    await request(logged).get(`/api/v1/me?access_token=${secret}`).expect(401);
    expect(lines.length).to.be.above(0);
    expect(lines.join('\n')).not.to.include(secret);
  });
});
