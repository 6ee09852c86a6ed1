import { expect } from 'chai';
import type { Express } from 'express';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { signIn, post, type Agent } from './support/http.ts';
import { dayError, fieldError } from './page-helpers.ts';
import { sessionForm, sessionsWorld, type World } from './support/sessions.ts';

// What a refused form tells: the range of a bounded number, every message in one round, and
// only the boxes at fault outlined.

describe('forms: messages that say what to type', () => {
  let app: Express;
  let w: World;
  let agent: Agent;

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    w = await sessionsWorld();
    agent = await signIn(app, w.people.coordinator.email!);
  });

  it('a bounded number of the module form says its range: −5, 101 and 1.5 alike', async () => {
    const form = {
      code: 'PVE-02',
      title: 'Dynamic security',
      summary: '',
      objectives: 'Know the people you guard.',
      hours: '1001',
      deliveryMode: 'classroom',
      audience: '',
      passMark: '101',
      attendanceThreshold: '-5',
      certificateValidityMonths: '1.5',
      tags: '',
      languages: ['en'],
      institution: w.almaty.id,
    };
    const res = await post(agent, '/modules', form);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'attendanceThreshold')).to.equal('Enter a whole number from 0 to 100.');
    expect(fieldError(res.text, 'passMark')).to.equal('Enter a whole number from 0 to 100.');
    expect(fieldError(res.text, 'certificateValidityMonths')).to.equal('Enter a whole number from 0 to 240.');
    expect(fieldError(res.text, 'hours')).to.equal(
      'Enter the hours as a number greater than 0 and at most 1000, e.g. 6 or 1.5.',
    );
    expect(await TrainingModule.countDocuments({ code: 'PVE-02' })).to.equal(0);
  });

  it('the session form tells every fault in one round, without a module chosen, and outlines only the boxes at fault', async () => {
    const res = await post(
      agent,
      '/sessions',
      sessionForm(w, {
        module: '',
        date: ['2099-03-02', '2099-03-03', '2099-03-01', '', ''],
        start: ['09:00', '14:00', '09:00', '', ''],
        end: ['17:00', '13:00', '', '', ''],
        capacity: '-5',
        withdrawalCutoffHours: '1.5',
        override: 'on',
        overrideReason: '',
      }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'module')).to.equal('Choose a module.');
    expect(fieldError(res.text, 'capacity')).to.equal('Enter a number of seats from 1 to 1000.');
    expect(fieldError(res.text, 'withdrawalCutoffHours')).to.equal('Enter a whole number of hours from 0 to 9999.');
    expect(fieldError(res.text, 'overrideReason')).to.equal('Say why the clash is accepted.');
    expect(dayError(res.text, 'days.1.end')).to.equal('Each day must end after it starts.');
    expect(dayError(res.text, 'days.2.end')).to.equal('Enter an end time.');
    expect(dayError(res.text, 'days.2.date')).to.equal('List the days in order, one row per day.');
    // the good first row and the empty ones stay as they are
    const invalid = [...res.text.matchAll(/id="(\w+-\d)"[^>]*aria-invalid="true"/g)].map((m) => m[1]);
    expect(invalid).to.deep.equal(['date-2', 'end-1', 'end-2'].sort((a, b) => order(a) - order(b)));
    expect(res.text).not.to.match(/<fieldset class="days has-error/);
    expect(await TrainingSession.countDocuments()).to.equal(0);
  });
});

/** Boxes in page order: row by row, date, start, end. */
const order = (id: string) => Number(id.split('-')[1]) * 3 + ['date', 'start', 'end'].indexOf(id.split('-')[0]!);
