import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Enrolment } from '../../src/enrolments/enrolment.model.ts';
import { enrolInManaged } from '../../src/enrolments/enrolments.service.ts';
import { toActor } from '../../src/people/people.service.ts';
import { Person } from '../../src/people/person.model.ts';
import { uploadResources } from '../../src/resources/resource-changes.service.ts';
import { DiskStorage, uploadPaths } from '../../src/storage/disk-storage.ts';
import { buildUser, daysFromNow } from '../support/factories.ts';
import * as files from '../support/files.ts';
import { buildWorld } from '../support/world.ts';

// A busy session as the layout tests see it: a module with an English description and
// materials with long names, a session over three days with two trainers, and a roster of
// people with Latin, Cyrillic and Arabic names, some seated, some waiting. The coordinators
// read English and Arabic.

async function actorOf(person: { _id: unknown }) {
  return toActor((await Person.findById(person._id).lean().orFail()) as Parameters<typeof toActor>[0]);
}

const PARTICIPANTS = [
  'Amina Nakato',
  'Айгерим Сапарова',
  'محمد بن علي الطرابلسي',
  'Jean-Baptiste Okello-Mugisha',
  'Bolat Nurlanovich Zhaksylykov',
  'Fatma Ben Salah',
];

export async function busySession() {
  const day = daysFromNow(14);
  const w = await buildWorld({
    countries: { kz: { code: 'KZ', name: 'Kazakhstan' } },
    institutions: {
      academy: { country: 'kz', name: 'Almaty Prison Staff Training Centre', code: 'ALA', timeZone: 'Asia/Almaty' },
    },
    people: {
      coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
      arabicCoordinator: { roles: ['coordinator'], at: 'academy', fullName: 'سلمى الحداد', language: 'ar' },
      trainer: { roles: ['trainer'], at: 'academy', fullName: 'Aigerim Trainer' },
      coTrainer: { roles: ['trainer'], at: 'academy', fullName: 'Bolat Trainer' },
    },
    modules: {
      pve: {
        status: 'published',
        owner: 'academy',
        code: 'PCVE-101',
        title: 'Use of Force and Dynamic Security in High-Risk Units',
        summary: 'How staff recognise escalation early and respond with the least force needed.',
        languages: ['en', 'ru', 'ar'],
      },
    },
    sessions: {
      session: {
        at: 'academy',
        module: 'pve',
        timeZone: 'Asia/Almaty',
        room: 'Hall B (second floor)',
        capacity: 4,
        days: [
          { date: day, start: '08:30', end: '13:00' },
          { date: daysFromNow(15), start: '08:30', end: '17:30' },
          { date: daysFromNow(16), start: '09:00', end: '12:00' },
        ],
        trainers: ['trainer', 'coTrainer'],
      },
    },
  });
  const coordinator = await actorOf(w.people.coordinator);
  // the pages only list the materials: their files go to a folder of their own
  const uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cadre-pages-'));
  const uploads = uploadPaths(uploadsDir).tmp;
  await mkdir(uploads, { recursive: true });
  const materials = [
    { title: 'Participant handout: de-escalation techniques in close quarters', name: 'handout-de-escalation.pdf' },
    { title: 'Slides, day one: the legal framework of the use of force', name: 'slides-day-1-legal-framework.pdf' },
    { title: 'Pre-test and post-test', name: 'assessment.pdf' },
  ];
  for (const material of materials) {
    const tempPath = path.join(uploads, randomBytes(8).toString('hex'));
    const content = files.pdf(material.title);
    await writeFile(tempPath, content);
    await uploadResources(
      new DiskStorage(uploadsDir),
      coordinator,
      w.modules.pve.id as string,
      { title: material.title, kind: 'handout', language: 'en', audience: 'participants' },
      [{ tempPath, originalName: material.name, size: content.length }],
    );
  }
  const participants = [];
  for (const [i, fullName] of PARTICIPANTS.entries()) {
    const person = await buildUser({
      fullName,
      institution: w.institutions.academy,
      serviceNumber: `KZ-2026-00${i + 1}`,
    });
    await enrolInManaged(coordinator, w.sessions.session, person.id as string, 'coordinator');
    participants.push(person);
  }
  // and one who asks for a place: the roster offers approve and decline on that row
  const asking = await buildUser({ fullName: 'Nour El Houda Trabelsi', institution: w.institutions.academy });
  await Enrolment.create({
    session: w.sessions.session._id,
    person: asking._id,
    state: 'requested',
    source: 'self',
    enrolledBy: asking._id,
  });
  return { ...w, participants, asking, session: w.sessions.session, module: w.modules.pve };
}
