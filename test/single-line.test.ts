import { expect } from 'chai';
import type { Express } from 'express';
import type { z } from 'zod';
import { signInSchema } from '../src/auth/auth.schemas.ts';
import { countrySchema } from '../src/institutions/countries.schemas.ts';
import { curriculumSchema } from '../src/curricula/curricula.schemas.ts';
import { candidateFilterSchema } from '../src/enrolments/enrolments.schemas.ts';
import { isSingleLine, optionalText, singleLine, text, toFieldErrors } from '../src/http/validate.ts';
import { institutionSchema } from '../src/institutions/institutions.schemas.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { moduleSchema } from '../src/modules/modules.schemas.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { detailsSchema, uploadSchema } from '../src/resources/resources.schemas.ts';
import { cancelSchema, sessionSchema } from '../src/sessions/sessions.schemas.ts';
import { Person } from '../src/people/person.model.ts';
import { personSchema } from '../src/people/people.schemas.ts';
import { buildApp } from './support/context.ts';
import { buildCountry, buildInstitution, buildUser } from './support/factories.ts';
import { post, signIn } from './support/http.ts';
import { fieldError } from './page-helpers.ts';

// A one-line field (a name, a title, a code, a room) refuses line breaks, tabs and other
// control characters with a message beside the field; textareas keep their line breaks.

const ID = '0123456789abcdef01234567';
const MESSAGE = 'Keep this on one line, without line breaks, tabs or other control characters.';

/** Characters that break one line: CR, LF, tab, NUL, DEL, NEL, line and paragraph separators, bidi overrides. */
const BREAKERS = [
  '\r\n',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
];

describe('the single-line helper', () => {
  for (const breaker of BREAKERS) {
    it(`refuses ${JSON.stringify(breaker)} inside a value, with validation.singleLine`, () => {
      for (const schema of [singleLine(100), text(100), optionalText(100)]) {
        const result = schema.safeParse(`first${breaker}second`);
        expect(result.success).to.equal(false);
        expect(result.error?.issues[0]?.message).to.equal('validation.singleLine');
      }
      expect(isSingleLine(`a${breaker}b`)).to.equal(false);
    });
  }

  it('keeps the letters and marks of every language: accents, Cyrillic, Arabic with ZWNJ and RLM, emoji', () => {
    for (const value of [
      'Zoé Ndiaye-Okello',
      'Айгерим Сапарова',
      'مركز\u200cالتدريب\u200f',
      'Room 2 🏫',
      "O'Brien / K-9",
    ]) {
      expect(text(100).parse(value), value).to.equal(value);
    }
  });

  it('trims spaces and line breaks at either end, so what is stored is one line', () => {
    expect(text(100).parse('  Room 1 \r\n')).to.equal('Room 1');
    expect(optionalText(100).parse(' \n ')).to.equal(undefined);
  });

  it('still says "required" for an empty box and "too long" past the limit', () => {
    expect(toFieldErrors(text(5).safeParse('').error!)).to.deep.equal({ _form: { key: 'validation.required' } });
    expect(toFieldErrors(text(5).safeParse('abcdefg').error!)).to.deep.equal({
      _form: { key: 'validation.tooLong', params: { max: 5 } },
    });
  });
});

// Each schema with a valid input and its one-line fields; every field must refuse a line break.
type Case = { name: string; schema: z.ZodType; valid: Record<string, unknown>; fields: string[] };

const CASES: Case[] = [
  {
    name: 'module',
    schema: moduleSchema,
    valid: {
      code: 'PVE-01',
      title: 'Understanding violent extremism',
      summary: 'One.\nTwo.',
      objectives: 'Define it.\nDescribe it.',
      hours: '8',
      deliveryMode: 'classroom',
      audience: 'All officers',
      passMark: '60',
      hasPostTest: 'on',
      attendanceThreshold: '80',
      certificateValidityMonths: '0',
      tags: 'pve',
      languages: ['en'],
      institution: ID,
    },
    fields: ['code', 'title', 'audience'],
  },
  {
    name: 'institution',
    schema: institutionSchema,
    valid: { name: 'Luzira Upper Prison', code: 'UPS-LUZ', type: 'prison', country: ID, city: 'Kampala', timeZone: '' },
    fields: ['name', 'code', 'city'],
  },
  {
    name: 'curriculum',
    schema: curriculumSchema,
    valid: { title: 'PVE track', code: 'PVE-SPEC', description: 'Line one.\nLine two.', institution: ID },
    fields: ['title', 'code'],
  },
  {
    name: 'country',
    schema: countrySchema,
    valid: { code: 'UG', name: 'Uganda', timeZone: 'UTC' },
    fields: ['name', 'code'],
  },
  {
    name: 'person',
    schema: personSchema,
    valid: {
      fullName: 'Amina Nakato',
      email: 'amina@example.org',
      serviceNumber: 'UG-1234',
      rank: 'Sergeant',
      gender: 'female',
      institution: ID,
      roles: ['staff'],
      language: 'en',
    },
    fields: ['fullName', 'email', 'serviceNumber', 'rank'],
  },
  {
    name: 'session',
    schema: sessionSchema,
    valid: {
      module: ID,
      institution: ID,
      room: 'Room 1',
      timeZone: 'Asia/Almaty',
      date: ['2030-03-02'],
      start: ['09:00'],
      end: ['17:00'],
      language: 'en',
      capacity: '20',
      withdrawalCutoffHours: '48',
      notes: 'Bring the handbook.\nLunch is provided.',
      override: 'on',
      overrideReason: 'Agreed with the venue',
    },
    fields: ['room', 'timeZone', 'overrideReason'],
  },
  {
    name: 'resource upload',
    schema: uploadSchema,
    valid: { title: 'Handout', kind: 'handout', language: 'en', audience: 'participants' },
    fields: ['title'],
  },
  {
    name: 'resource details',
    schema: detailsSchema,
    valid: { title: 'Handout', kind: 'handout', language: 'en', audience: 'participants' },
    fields: ['title'],
  },
  { name: 'sign-in', schema: signInSchema, valid: { email: 'a@example.org', password: 'x' }, fields: ['email'] },
];

describe('every single-line field of every form', () => {
  for (const c of CASES) {
    it(`the ${c.name} form takes its valid input`, () => {
      const result = c.schema.safeParse(c.valid);
      expect(result.success, JSON.stringify(result.error?.issues)).to.equal(true);
    });

    for (const field of c.fields) {
      it(`the ${c.name} form refuses a line break or control character in ${field}, with the message beside it`, () => {
        for (const breaker of ['\r\n', '\n', '\t', '\u0000', '\u2028']) {
          const value = `${String(c.valid[field])}${breaker}X`;
          const result = c.schema.safeParse({ ...c.valid, [field]: value });
          expect(result.success, `${field}: ${JSON.stringify(value)}`).to.equal(false);
          expect(toFieldErrors(result.error!)[field], `${field}: ${JSON.stringify(value)}`).to.deep.equal({
            key: 'validation.singleLine',
          });
        }
      });
    }
  }

  it('the textareas keep their line breaks: module summary and objectives, session notes and reason, curriculum description', () => {
    const module = moduleSchema.parse(CASES[0]!.valid) as { summary: string; objectives: string[] };
    expect(module.summary).to.equal('One.\nTwo.');
    expect(module.objectives).to.deep.equal(['Define it.', 'Describe it.']);
    const session = sessionSchema.parse(CASES.find((c) => c.name === 'session')!.valid) as { notes: string };
    expect(session.notes).to.equal('Bring the handbook.\nLunch is provided.');
    expect(cancelSchema.parse({ reason: 'The venue flooded.\nNew date to follow.' }).reason).to.include('\n');
    const curriculum = curriculumSchema.parse(CASES.find((c) => c.name === 'curriculum')!.valid);
    expect(curriculum.description).to.equal('Line one.\nLine two.');
  });

  it('an objective is one line of its textarea: a tab or control character inside one is refused', () => {
    const result = moduleSchema.safeParse({ ...CASES[0]!.valid, objectives: 'Define it.\nDescribe\u0000 it.' });
    expect(result.success).to.equal(false);
    expect(toFieldErrors(result.error!).objectives).to.deep.equal({ key: 'validation.singleLine' });
  });

  it('a search box with a line break is ignored, not an error', () => {
    expect(candidateFilterSchema.parse({ q: 'Amina\r\nX' }).q).to.equal(undefined);
    expect(candidateFilterSchema.parse({ q: 'Amina' }).q).to.equal('Amina');
  });
});

describe('a line break typed into a one-line field of a form', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  it('when a module title holds CR/LF, the form answers 422 with the message beside the title and nothing is saved', async () => {
    const institution = await buildInstitution();
    const coordinator = await buildUser({ roles: ['coordinator'], institution });
    const agent = await signIn(app, coordinator.email!);
    const res = await post(agent, '/modules', {
      code: 'PVE-01',
      title: 'Understanding\r\nSet-Cookie: x=1',
      summary: 'What it is.\nHow it spreads.',
      objectives: 'Define it.',
      hours: '8',
      deliveryMode: 'classroom',
      audience: '',
      passMark: '',
      attendanceThreshold: '80',
      certificateValidityMonths: '0',
      tags: '',
      languages: ['en'],
      institution: institution.id,
    });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'title')).to.equal(MESSAGE);
    expect(await TrainingModule.countDocuments({})).to.equal(0);
  });

  it('when a person’s name holds a line break, the form answers 422 beside the name and nothing is saved', async () => {
    const institution = await buildInstitution();
    const admin = await buildUser({ roles: ['admin'], institution });
    const agent = await signIn(app, admin.email!);
    const before = await Person.countDocuments({});
    const res = await post(agent, '/people', {
      fullName: 'Amina\nNakato',
      email: '',
      serviceNumber: '',
      rank: 'Sergeant\t',
      gender: 'female',
      institution: institution.id,
      roles: ['staff'],
      language: 'en',
    });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'fullName')).to.equal(MESSAGE);
    expect(await Person.countDocuments({})).to.equal(before);
  });

  it('when an institution name holds a line break, the form answers 422 beside the name and nothing is saved', async () => {
    const country = await buildCountry();
    const admin = await buildUser({ roles: ['admin'], institution: null });
    const agent = await signIn(app, admin.email!);
    const before = await Institution.countDocuments({});
    const res = await post(agent, '/institutions', {
      name: 'Luzira\r\nUpper Prison',
      code: 'UPS-LUZ',
      type: 'prison',
      country: country.id as string,
      city: 'Kampala',
      timeZone: '',
    });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'name')).to.equal(MESSAGE);
    expect(await Institution.countDocuments({})).to.equal(before);
  });
});
