import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { Curriculum } from '../../src/curricula/curriculum.model.ts';
import { Enrolment } from '../../src/enrolments/enrolment.model.ts';
import { TrainerQualification } from '../../src/qualifications/trainer-qualification.model.ts';
import { ResourceVersion } from '../../src/resources/resource-version.model.ts';
import { Resource } from '../../src/resources/resource.model.ts';
import { PaperScan } from '../../src/sign-in-sheets/paper-scan.model.ts';
import { DiskStorage } from '../../src/storage/disk-storage.ts';
import { buildRecord } from './completions.ts';
import * as files from './files.ts';
import { buildWorld } from './world.ts';

// The world of test/access-by-route.test.ts: one person of every role that access tells apart,
// and records of every kind, each in the states that decide who sees it. The records are named
// as the test's cases name them; `fields` are plausible form values for any POST, and `params`
// the other parameters of the routes' paths.

export type AccessRole =
  'admin' | 'coordinator' | 'otherCoordinator' | 'trainer' | 'otherTrainer' | 'staff' | 'foreignStaff';

/** A coordinator's academy, three more institutions, and one record of every kind in several states. */
export async function accessWorld(uploadsDir: string) {
  const w = await buildWorld({
    countries: { kz: {}, ug: {} },
    institutions: {
      academy: { country: 'kz' },
      partner: { country: 'kz' },
      elsewhere: { country: 'kz' },
      kampala: { country: 'ug' },
    },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'academy', scope: ['partner'] },
      otherCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
      trainer: { roles: ['trainer'], at: 'academy' },
      otherTrainer: { roles: ['trainer'], at: 'elsewhere', scope: ['kampala'] },
      staff: { roles: ['staff'], at: 'academy' },
      foreignStaff: { roles: ['staff'], at: 'kampala' },
      participant: { roles: ['staff'], at: 'academy' },
    },
    modules: {
      published: { status: 'published', owner: 'academy' },
      draft: { status: 'draft', owner: 'academy' },
    },
    sessions: {
      open: { at: 'academy', module: 'published', trainers: ['trainer'], requiresApproval: true },
      draft: { at: 'academy', module: 'published', trainers: ['trainer'], status: 'draft' },
      abroad: { at: 'kampala', status: 'open' },
    },
  });
  const { people: p, modules: m, sessions: s, institutions: i, countries: c } = w;
  const request = (session: { _id: mongoose.Types.ObjectId }, person: { _id: mongoose.Types.ObjectId }) =>
    Enrolment.create({ session: session._id, person: person._id, state: 'requested', source: 'self' });
  const curriculum = (status: 'published' | 'draft') =>
    Curriculum.create({
      code: `C-${new mongoose.Types.ObjectId().toHexString()}`,
      title: `A ${status} curriculum`,
      status,
      institution: i.academy._id,
      country: c.kz._id,
      items: [{ module: m.published._id, required: true }],
    });
  const storage = new DiskStorage(uploadsDir);
  const material = async (module: { _id: mongoose.Types.ObjectId }, audience: 'participants' | 'trainers') => {
    const resource = await Resource.create({
      module: module._id,
      title: `For ${audience}`,
      kind: 'handout',
      language: 'en',
      audience,
      currentVersion: 2,
    });
    for (const version of [1, 2]) {
      const temp = path.join(uploadsDir, `upload-${resource.id as string}-${version}`);
      await writeFile(temp, files.pdf());
      const file = { storageKey: await storage.put(temp), originalName: 'handout.pdf', mimeType: 'application/pdf' };
      await ResourceVersion.create({ resource: resource._id, version, ...file, size: 1, sha256: `${version}` });
    }
    return resource;
  };
  await TrainerQualification.create({ trainer: p.trainer._id, module: m.published._id, qualifiedOn: new Date() });
  const evidenceStorage = new DiskStorage(path.join(uploadsDir, 'evidence'));
  /** a completion record with its evidence stored (so that fetching it is allowed or refused, never missing) */
  const completion = async (
    person: { _id: mongoose.Types.ObjectId },
    institution: (typeof i)['academy'],
    country: (typeof c)['kz'],
    session?: { _id: mongoose.Types.ObjectId },
  ) => {
    const temp = path.join(uploadsDir, `evidence-${person._id.toHexString()}`);
    await writeFile(temp, files.pdf('Certificate'));
    const evidence = {
      storedName: await evidenceStorage.put(temp),
      originalName: 'certificate.pdf',
      mimeType: 'application/pdf',
      size: 1,
      sha256: '1',
    };
    return buildRecord({ person, module: m.published, institution, country, session, fields: { evidence } });
  };
  const records = {
    'an open session of the academy': s.open,
    'a draft session of the academy': s.draft,
    'a session in Uganda': s.abroad,
    "a participant's request": await request(s.open, p.participant),
    "staff's own request": await request(s.open, p.staff),
    'a published module of the academy': m.published,
    'a draft module of the academy': m.draft,
    "participants' material": await material(m.published, 'participants'),
    'trainer-only material': await material(m.published, 'trainers'),
    'material of a draft module': await material(m.draft, 'participants'),
    'a published curriculum': await curriculum('published'),
    'a draft curriculum': await curriculum('draft'),
    'the trainer of the academy': p.trainer,
    'staff in Uganda': p.foreignStaff,
    'the academy': i.academy,
    'the Kampala academy': i.kampala,
    Kazakhstan: c.kz,
    "a participant's completion record": await completion(p.participant, i.academy, c.kz, s.open),
    "staff's own completion record, entered by hand": await completion(p.staff, i.academy, c.kz),
    'a completion record in Uganda': await completion(p.foreignStaff, i.kampala, c.ug),
  };
  const fields = {
    person: p.participant.id,
    people: p.participant.id,
    module: m.published.id,
    institution: i.academy.id,
    country: c.kz.id,
    roles: 'staff',
    qualifiedOn: '2025-01-01',
    reason: 'not allowed',
    version: '0',
    kind: 'elective',
    title: 'Changed',
    code: 'CHANGED',
    name: 'Changed',
    fullName: 'Changed Name',
    language: 'ru',
    audience: 'participants',
    timeZone: 'Europe/Paris',
    capacity: '5',
    back: '/',
  };
  const qualification = (await TrainerQualification.findOne().orFail()).id as string;
  // every session's first day (the same date: the factory's default), with a signed sheet's scan
  const date = s.open.days[0]!.date;
  const paper = new DiskStorage(path.join(uploadsDir, 'paper'));
  for (const session of [s.open, s.draft, s.abroad]) {
    const temp = path.join(uploadsDir, `scan-${session.id as string}`);
    await writeFile(temp, files.png());
    const file = {
      storageKey: await paper.put(temp),
      originalName: 'sheet.png',
      mimeType: 'image/png',
      size: 1,
      sha256: '1',
    };
    await PaperScan.create({ ...file, session: session._id, date, number: 1, uploadedBy: p.trainer._id });
  }
  const params = { step: 'open', version: '1', module: m.published.id, qualification, date, number: '1' };
  return { people: p, records, fields, params };
}
export type AccessWorld = Awaited<ReturnType<typeof accessWorld>>;
export type RecordName = keyof AccessWorld['records'];
