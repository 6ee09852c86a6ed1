import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Express } from 'express';
import { Person } from '../src/people/person.model.ts';
import { StaffImport } from '../src/people/staff-import.model.ts';
import { applyImport } from '../src/people/staff-import.service.ts';
import { toActor } from '../src/people/people.service.ts';
import { auditEvents } from './support/audit.ts';
import { buildApp } from './support/context.ts';
import { csrfToken, post, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// Staff import (issue 14, decision 0021): a CSV or XLSX file is checked row by row into a
// preview that says what each row would do and why a row is refused; nothing is written before
// the confirmation; confirming applies every row of the plan, and an import stopped midway is
// finished by confirming again, repeating nothing.

describe('staff import', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world() {
    const w = await buildWorld({
      countries: { ug: { code: 'UG', name: 'Uganda' }, ke: { code: 'KE', name: 'Kenya' } },
      institutions: {
        academy: { country: 'ug', name: 'Uganda Prisons Academy', code: 'UPA' },
        luzira: { country: 'ug', name: 'Luzira Prison', code: 'LUZ' },
        nairobi: { country: 'ke', name: 'Nairobi Academy', code: 'NBI' },
      },
      people: {
        admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
        coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
        trainer: { roles: ['trainer'], at: 'academy' },
        amina: { roles: ['staff'], at: 'academy', fullName: 'Amina Okello', serviceNumber: 'UG-1', rank: 'Corporal' },
        far: { roles: ['staff'], at: 'luzira', fullName: 'Fred Far', serviceNumber: 'UG-9' },
      },
    });
    return { ...w.institutions, ...w.people };
  }
  type W = Awaited<ReturnType<typeof world>>;
  let w: W;
  let coordinator: Agent;
  beforeEach(async () => {
    w = await world();
    coordinator = await signIn(app, w.coordinator.email!);
  });

  const CSV = [
    'Service Number,Full Name,Email,Gender,Rank,Institution,Language',
    'UG-1,Amina Okello,,female,Sergeant,UPA,',
    'UG-2,Brian Mugisha,brian@prisons.example,male,,upa,en',
    'UG-3,Bad Gender,,robot,,UPA,',
    'UG-4,Unknown Place,,,,NOPE,',
    'UG-2,Brian Twice,,,,UPA,',
    'UG-9,Fred Far,,,,LUZ,',
    ',No Number,,,,UPA,',
    'UG-5,Taken Mail,' + 'placeholder' + ',,,UPA,',
  ].join('\r\n');

  async function upload(agent: Agent, content: Buffer | string, name = 'staff.csv') {
    const token = await csrfToken(agent, '/people/import');
    return agent.post(`/people/import?_csrf=${encodeURIComponent(token)}`).attach('file', Buffer.from(content), name);
  }

  const outcomes = async (agent: Agent, location: string) => {
    const page = await agent.get(location).expect(200);
    return [...page.text.matchAll(/<tr class="outcome-(\w+)">\s*<td>(\d+)<\/td>/g)].map((m) => `${m[2]} ${m[1]}`);
  };

  it('previews every row with what it would do and why, and saves nothing', async () => {
    const before = await Person.countDocuments();
    const csv = CSV.replace('placeholder', w.trainer.email!);
    const res = await upload(coordinator, csv);
    expect(res.status).to.equal(303);
    expect(await outcomes(coordinator, res.headers.location!)).to.deep.equal([
      '2 update',
      '3 create',
      '4 refused',
      '5 refused',
      '6 refused',
      '7 refused',
      '8 refused',
      '9 refused',
    ]);
    const page = (await coordinator.get(res.headers.location!)).text;
    expect(page).to.include('1 to add, 1 to update, 0 unchanged, 6 refused');
    expect(page).to.include('no institution you manage has the code “NOPE”');
    expect(page).to.include('appears twice in the file');
    expect(page).to.include('no institution you manage has the code “LUZ”');
    expect(page).to.include('E-mail: Someone already has this e-mail address.');
    expect(page).to.match(/Gender: [^<]+<\/li>/); // the reason beside its row
    expect(await Person.countDocuments()).to.equal(before);
    expect((await Person.findById(w.amina._id).orFail()).rank).to.equal('Corporal');
  });

  it('applies the plan on confirmation: adds, updates, leaves out the refused, and audits each change', async () => {
    const res = await upload(coordinator, CSV.replace('placeholder', w.trainer.email!));
    const done = await post(coordinator, res.headers.location!);
    expect(done.status).to.equal(303);
    const amina = await Person.findById(w.amina._id).orFail();
    expect(amina.rank).to.equal('Sergeant');
    expect(amina.gender).to.equal('female');
    const brian = await Person.findOne({ serviceKey: `${w.academy.country.toHexString()}:UG-2` }).orFail();
    expect(brian).to.deep.include({ fullName: 'Brian Mugisha', email: 'brian@prisons.example', gender: 'male' });
    expect(brian.roles).to.deep.equal(['staff']);
    expect(await Person.exists({ fullName: 'Bad Gender' })).to.equal(null);
    expect((await auditEvents('person.create')).map((e) => e.subjectId?.toHexString())).to.deep.equal([brian.id]);
    const [update] = await auditEvents('person.update');
    expect(update!.changes.map((c) => c.field)).to.deep.equal(['rank', 'gender']);
    const page = (await coordinator.get(res.headers.location!)).text;
    expect(page).to.include('Imported: 1 added, 1 updated.');
    // confirming again changes nothing more
    await post(coordinator, res.headers.location!);
    expect(await Person.countDocuments({ fullName: 'Brian Mugisha' })).to.equal(1);
  });

  it('reads XLSX the same way', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Staff');
    sheet.addRow(['service_number', 'full_name', 'institution', 'gender']);
    sheet.addRow(['UG-7', 'Grace Atim', 'UPA', 'female']);
    const res = await upload(coordinator, Buffer.from(await book.xlsx.writeBuffer()), 'staff.xlsx');
    expect(await outcomes(coordinator, res.headers.location!)).to.deep.equal(['2 create']);
    await post(coordinator, res.headers.location!);
    expect(await Person.exists({ fullName: 'Grace Atim', gender: 'female' })).not.to.equal(null);
  });

  it('shows the preview again when the records changed since, and applies nothing', async () => {
    const res = await upload(coordinator, 'service_number,full_name,institution\nUG-8,Hope Achan,UPA\n');
    // someone adds UG-8 meanwhile: the row would now update them
    await Person.create({
      fullName: 'Hope A.',
      serviceNumber: 'UG-8',
      institution: w.academy._id,
      country: w.academy.country,
      roles: ['staff'],
    });
    const done = await post(coordinator, res.headers.location!);
    expect(done.status).to.equal(303);
    expect(await outcomes(coordinator, res.headers.location!)).to.deep.equal(['2 update']);
    expect((await Person.findOne({ serviceNumber: 'UG-8' }).orFail()).fullName).to.equal('Hope A.');
  });

  it('finishes an import stopped midway, repeating nothing', async () => {
    const res = await upload(coordinator, 'service_number,full_name,institution\nUG-20,One,UPA\nUG-21,Two,UPA\n');
    const id = res.headers.location!.split('/').pop()!;
    const found = await StaffImport.findById(id).orFail();
    // as if the server stopped after the first person: the state says applying, one person exists
    const [first] = found.plan as { person: string }[];
    await Person.create({
      _id: first!.person,
      fullName: 'One',
      serviceNumber: 'UG-20',
      institution: w.academy._id,
      country: w.academy.country,
      roles: ['staff'],
    });
    found.state = 'applying';
    await found.save();
    const actor = toActor((await Person.findById(w.coordinator._id).lean().orFail()) as Parameters<typeof toActor>[0]);
    expect(await applyImport(actor, id)).to.deep.include({ applied: true, created: 2 });
    expect(await Person.countDocuments({ fullName: 'One' })).to.equal(1);
    expect(await Person.countDocuments({ fullName: 'Two' })).to.equal(1);
  });

  it('refuses a file it cannot read, beside the field, and keeps others out', async () => {
    const unreadable = await upload(coordinator, Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'staff.csv');
    expect(unreadable.status).to.equal(422);
    expect(unreadable.text).to.include('id="file-error"');
    const noColumns = await upload(coordinator, 'name,place\nA,B\n');
    expect(noColumns.status).to.equal(422);
    expect(noColumns.text).to.include('The file lacks these columns: service_number, full_name, institution.');
    const other = await signIn(app, w.admin.email!);
    const res = await upload(coordinator, 'service_number,full_name,institution\nUG-30,X,UPA\n');
    await other.get(res.headers.location!).expect(404);
    const staff = await signIn(app, w.amina.email!);
    await staff.get('/people/import').expect(403);
    await post(staff, res.headers.location!).then((r) => expect(r.status).to.equal(403));
    expect(await Person.exists({ serviceNumber: 'UG-30' })).to.equal(null);
  });
});
