import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { CompletionRecord } from '../src/completions/completion-record.model.ts';
import { newVerifyCode } from '../src/completions/verify-codes.ts';
import { buildApp } from './support/context.ts';
import { buildRecord } from './support/completions.ts';
import { buildUser } from './support/factories.ts';
import { signIn } from './support/http.ts';
import { sessionsWorld, type World } from './support/sessions.ts';
import { expectNoMissingTranslations, visibleText } from './page-helpers.ts';

// The public verification page (issue 13, item 4): no sign-in, five facts (the name as issued,
// the module, the date, the status, the issuer) and nothing else; a code that is unknown,
// revoked, withdrawn or not a completion answers one and the same page, so nobody can tell
// them apart; lookups are limited per address; nothing is cached or indexed.

describe('verifying a certificate', () => {
  let app: Express;
  let w: World;
  let person: Awaited<ReturnType<typeof buildUser>>;

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    app = await buildApp(); // a fresh limiter for each test
    w = await sessionsWorld();
    person = await buildUser({
      roles: ['staff'],
      institution: w.almaty,
      fullName: 'Aida Verified',
      serviceNumber: 'KZ-3141',
      email: 'aida.verified@test.example',
    });
  });

  const make = (fields: Parameters<typeof buildRecord>[0]['fields'] = {}) =>
    buildRecord({
      person,
      module: w.modules.pve,
      institution: w.almaty,
      country: w.kz,
      fields: {
        nameAsIssued: 'Aida Verified',
        moduleTitle: 'Understanding extremism',
        issuerName: 'Almaty Academy',
        issuerCountryName: 'Kazakhstan',
        endedOn: '2026-03-03',
        pre: 41,
        post: 87,
        attendancePercent: 93,
        expiresAt: new Date(Date.now() + 365 * 24 * 3_600_000),
        ...fields,
      },
    });

  it('shows the five facts of a valid certificate, to anyone, and nothing more', async () => {
    const record = await make();
    const res = await request(app).get(`/verify/${record.verifyCode}`);
    expect(res.status).to.equal(200);
    expectNoMissingTranslations(res.text);
    const text = visibleText(res.text);
    for (const shown of [
      'Aida Verified',
      'Understanding extremism',
      'Tue 3 Mar 2026',
      'Valid',
      'Almaty Academy, Kazakhstan',
    ])
      expect(text).to.include(shown);
    const page = res.text.split(record.verifyCode).join('CODE'); // a random code may hold any two digits
    for (const hidden of ['aida.verified', 'KZ-3141', record.certificateNumber!, '41', '87', '93', person.id as string])
      expect(page, hidden).not.to.include(hidden);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['x-robots-tag']).to.include('noindex');
    expect(res.headers['set-cookie'], 'no login session for a visitor').to.equal(undefined);
    expect(res.text).to.include('name="viewport"');
  });

  it('says expired once the expiry has passed, and names a superseded certificate as replaced', async () => {
    const expired = await make({ expiresAt: new Date(Date.now() - 1000) });
    expect(visibleText((await request(app).get(`/verify/${expired.verifyCode}`)).text)).to.match(/Status Expired/);
    const superseded = await make({ status: 'superseded' });
    const text = visibleText((await request(app).get(`/verify/${superseded.verifyCode}`)).text);
    expect(text).to.include('No longer current: replaced by a later certificate for the same module');
    expect(text).to.include('Aida Verified');
  });

  it('answers an unknown, revoked, withdrawn or not-completed code and garbage with the same page', async () => {
    const revoked = await make({ status: 'revoked', statusReason: 'fraud' });
    const withdrawn = await make({ status: 'withdrawn' });
    const failed = await make({ result: 'not_completed', expiresAt: null });
    const codes = [
      newVerifyCode(),
      revoked.verifyCode,
      withdrawn.verifyCode,
      failed.verifyCode,
      'not-a-code',
      'x'.repeat(300),
    ];
    const bodies: string[] = [];
    for (const code of codes) {
      const res = await request(app).get(`/verify/${code}`);
      expect(res.status, code).to.equal(404);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(visibleText(res.text)).to.include('Not valid');
      expect(res.text).not.to.include('Aida');
      bodies.push(res.text.split(code).join('CODE'));
    }
    for (const body of bodies.slice(1)) expect(body).to.equal(bodies[0]);
  });

  it('sends no query for text that cannot be a code', async () => {
    const sent: string[] = [];
    const watch = (event: { commandName: string; command: Record<string, unknown> }) => {
      if (event.command.find === 'completion_records') sent.push(event.commandName);
    };
    const client = mongoose.connection.getClient();
    client.on('commandStarted', watch);
    try {
      await request(app).get('/verify/short');
      expect(sent).to.deep.equal([]);
      await request(app).get(`/verify/${newVerifyCode()}`);
      expect(sent).to.deep.equal(['find']);
    } finally {
      client.off('commandStarted', watch);
    }
  });

  it('limits lookups per address: the 31st in a minute is refused with a page that says to wait', async () => {
    const record = await make();
    for (let i = 0; i < 30; i++) {
      const code = i % 2 ? record.verifyCode : newVerifyCode();
      expect((await request(app).get(`/verify/${code}`)).status).to.be.oneOf([200, 404]);
    }
    const res = await request(app).get(`/verify/${record.verifyCode}`);
    expect(res.status).to.equal(429);
    expect(Number(res.headers['retry-after'])).to.be.within(1, 60);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(visibleText(res.text)).to.include('Too many certificates were looked up from this address');
    expect(res.text).not.to.include('Aida');
  });

  it('speaks the visitor’s language, right to left in Arabic, with the title as issued in that language', async () => {
    const record = await make();
    await CompletionRecord.updateOne(
      { _id: record._id },
      { $set: { moduleTitles: [{ language: 'ar', title: 'فهم التطرف' }] } },
    );
    const arabic = await request(app).get(`/verify/${record.verifyCode}`).set('Cookie', 'cadre.lang=ar');
    expect(arabic.text).to.include('dir="rtl"');
    expectNoMissingTranslations(arabic.text);
    expect(visibleText(arabic.text)).to.include('فهم التطرف');
    const russian = await request(app).get(`/verify/${record.verifyCode}`).set('Accept-Language', 'ru');
    expect(russian.text).to.include('lang="ru"');
    expect(visibleText(russian.text)).to.include('Understanding extremism');
  });

  it('works for someone signed in too, showing the same facts', async () => {
    const record = await make();
    const agent = await signIn(app, w.people.ugandanStaff.email!);
    const res = await agent.get(`/verify/${record.verifyCode}`);
    expect(res.status).to.equal(200);
    expect(visibleText(res.text)).to.include('Aida Verified');
  });
});
