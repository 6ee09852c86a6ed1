import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Express } from 'express';
import { AttendanceMark } from '../src/attendance/attendance-mark.model.ts';
import { CertificatePrint } from '../src/certificates/certificate-print.model.ts';
import { CompletionRecord } from '../src/completions/completion-record.model.ts';
import { completionFollowUps } from '../src/completions/issuing.service.ts';
import { reviseRecord } from '../src/completions/revisions.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { enrolInManaged } from '../src/enrolments/enrolments.service.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { Person as PersonModel } from '../src/people/person.model.ts';
import { closeSession } from '../src/results/results.service.ts';
import { buildApp } from './support/context.ts';
import { buildUser, daysFromNow } from './support/factories.ts';
import { signIn, type Agent } from './support/http.ts';
import { sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// Downloading certificates (decision 0014): a person's own, a coordinator's in the language
// they choose, a session's together; every print logged, every later print marked a reprint;
// nothing for a revoked record, and nothing for whoever may not read the record.

const run = promisify(execFile);

type Person = Awaited<ReturnType<typeof buildUser>>;

describe('certificate downloads', () => {
  let app: Express;
  let w: World;
  let scratch: string;
  let session: Awaited<ReturnType<typeof sessionIn>>;
  let people: { aida: Person; olga: Person };

  before(async () => {
    app = await buildApp();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cadre-certificates-'));
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  beforeEach(async () => {
    w = await sessionsWorld();
    await TrainingModule.updateOne(
      { _id: w.modules.pve._id },
      {
        $set: {
          attendanceThreshold: 80,
          hasPostTest: false,
          passMark: null,
          titleTranslations: [{ language: 'ru', title: 'Понимание экстремизма' }],
        },
      },
    );
    const admin = toActor(
      (await PersonModel.findById(w.people.admin._id).lean().orFail()) as Parameters<typeof toActor>[0],
    );
    session = await sessionIn(w, {
      status: 'in_progress',
      days: [{ date: daysFromNow(-2), start: '09:00', end: '16:00' }],
    });
    people = {
      aida: await buildUser({ roles: ['staff'], institution: w.almaty, fullName: 'Aida Nurlanovna' }),
      olga: await buildUser({ roles: ['staff'], institution: w.almaty, fullName: 'Ольга Кузнецова', language: 'ru' }),
    };
    for (const person of Object.values(people)) {
      await enrolInManaged(admin, session, person.id as string, 'coordinator');
      const enrolment = await Enrolment.findOne({ session: session._id, person: person._id }).orFail();
      await AttendanceMark.create({
        session: session._id,
        date: session.days[0]!.date,
        person: person._id,
        enrolment: enrolment._id,
        status: 'present',
        markedBy: w.people.trainer._id,
        markedAt: new Date(),
      });
    }
    await closeSession(admin, session.id as string, { outcomes: {}, reasons: {} }, { followUps: completionFollowUps });
  });

  const recordOf = (person: Person) => CompletionRecord.findOne({ person: person._id }).orFail();

  function bytes(agent: Agent, url: string) {
    return agent
      .get(url)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }

  let file = 0;
  async function textOf(pdf: Buffer): Promise<{ text: string; pages: number }> {
    const name = path.join(scratch, `c-${++file}.pdf`);
    await writeFile(name, pdf);
    const { stdout } = await run('pdftotext', [name, '-']);
    const info = (await run('pdfinfo', [name])).stdout;
    return {
      text: stdout.replace(/[\u200e\u200f\u2066-\u2069]/g, '').replace(/\s+/g, ' '),
      pages: Number(/Pages:\s+(\d+)/.exec(info)![1]),
    };
  }

  it('gives a person their own certificate, in their language, and marks every later print a reprint', async () => {
    const record = await recordOf(people.olga);
    const olga = await signIn(app, people.olga.email!);
    const first = await bytes(olga, `/completions/${record.id}/certificate.pdf`).expect(200);
    expect(first.headers['content-type']).to.equal('application/pdf');
    expect(first.headers['content-disposition']).to.match(
      /^attachment; filename="?certificate-KZ-\d{4}-000\d{3}\.pdf"?$/,
    );
    const original = await textOf(first.body as Buffer);
    expect(original.text).to.include('Ольга Кузнецова');
    expect(original.text).to.include('Понимание экстремизма');
    expect(original.text).to.include(record.certificateNumber!);
    expect(original.text).not.to.include('Повторная печать');

    const again = await bytes(olga, `/completions/${record.id}/certificate.pdf`).expect(200);
    const reprint = await textOf(again.body as Buffer);
    expect(reprint.text).to.include('Повторная печать');
    expect(reprint.text.replace(/Повторная печать.*?г\./, '')).to.include(record.certificateNumber!);
    expect(await CertificatePrint.countDocuments({ record: record._id })).to.equal(2);
  });

  it('lets a coordinator choose the language; a staff member’s choice is not taken', async () => {
    const record = await recordOf(people.aida);
    const coordinator = await signIn(app, w.people.coordinator.email!);
    const page = await coordinator.get(`/completions/${record.id}`).expect(200);
    expect(page.text).to.include(`action="/completions/${record.id}/certificate.pdf"`);
    const results = await coordinator.get(`/sessions/${session.id}/results`).expect(200);
    expect(results.text).to.include(`href="/sessions/${session.id}/certificates.pdf"`);
    const russian = await textOf(
      (await bytes(coordinator, `/completions/${record.id}/certificate.pdf?lang=ru`).expect(200)).body as Buffer,
    );
    expect(russian.text).to.include('Понимание экстремизма');
    const aida = await signIn(app, people.aida.email!);
    expect((await aida.get(`/completions/${record.id}`).expect(200)).text).not.to.include('name="lang"');
    const own = await textOf(
      (await bytes(aida, `/completions/${record.id}/certificate.pdf?lang=ru`).expect(200)).body as Buffer,
    );
    expect(own.text).to.include('Understanding extremism');
    expect(own.text).not.to.include('Понимание экстремизма');
  });

  it('prints a session’s certificates together, one page each, for its managers and trainers only', async () => {
    const coordinator = await signIn(app, w.people.coordinator.email!);
    const all = await bytes(coordinator, `/sessions/${session.id}/certificates.pdf`).expect(200);
    const { text, pages } = await textOf(all.body as Buffer);
    expect(pages).to.equal(2);
    expect(text).to.include('Aida Nurlanovna');
    expect(text).to.include('Ольга Кузнецова');
    const trainer = await signIn(app, w.people.trainer.email!);
    await bytes(trainer, `/sessions/${session.id}/certificates.pdf`).expect(200);
    const aida = await signIn(app, people.aida.email!);
    expect((await aida.get(`/sessions/${session.id}/certificates.pdf`)).status).to.be.oneOf([403, 404]);
  });

  it('refuses the certificate of someone else (404), of a revoked record (409), and of a session with none (409)', async () => {
    const record = await recordOf(people.aida);
    const olga = await signIn(app, people.olga.email!);
    await olga.get(`/completions/${record.id}/certificate.pdf`).expect(404);
    const outsider = await signIn(app, w.people.outsideCoordinator.email!);
    await outsider.get(`/completions/${record.id}/certificate.pdf`).expect(404);
    await outsider
      .get(`/sessions/${session.id}/certificates.pdf`)
      .expect((res) => expect(res.status).to.be.oneOf([403, 404]));

    await reviseRecord(
      record,
      { status: 'revoked', statusReason: 'Issued in error' },
      { action: 'revoked', at: new Date(), by: w.people.admin.id as string },
    );
    const coordinator = await signIn(app, w.people.coordinator.email!);
    const refused = await coordinator.get(`/completions/${record.id}/certificate.pdf`).expect(409);
    expect(refused.text).to.include('no certificate to print');

    const empty = await sessionIn(w, { status: 'in_progress' });
    await coordinator.get(`/sessions/${empty.id}/certificates.pdf`).expect(409);
    await coordinator.get('/completions/not-an-id/certificate.pdf').expect(404);
  });
});
