import { expect } from 'chai';
import type { Express } from 'express';
import { DateTime } from 'luxon';
import { Resource } from '../src/resources/resource.model.ts';
import { ResourceVersion } from '../src/resources/resource-version.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { buildApp } from './support/context.ts';
import { buildModule } from './support/factories.ts';
import { signIn, post } from './support/http.ts';
import { expectNoMissingTranslations, links, optionValues, visibleText } from './page-helpers.ts';
import { sessionIn, sessionsWorld } from './support/sessions.ts';
import { busySession } from './browser/pages-world.ts';

// Small things of issue 10: the staff calendar's venues, upload times in a named zone, and a
// confirmation before publishing a module.

describe('small things', () => {
  let app: Express;

  before(async () => {
    app = await buildApp();
  });

  it("the staff calendar's venue filter offers the venues of the sessions they may see, not their own prison", async () => {
    const w = await sessionsWorld();
    await sessionIn(w, { institution: w.partner, status: 'open', trainers: [w.people.coTrainer] });
    await sessionIn(w, { institution: w.elsewhere, status: 'draft', trainers: [w.people.otherTrainer] });
    await sessionIn(w, { institution: w.kampala, status: 'open', trainers: [] });
    const staff = await signIn(app, w.people.staff.email!);
    const page = await staff.get('/calendar?month=2026-03').expect(200);
    // a draft elsewhere and a session abroad are not theirs to see; their own Almaty holds none
    expect(optionValues(page.text, 'institution')).to.deep.equal(['', w.partner.id]);
  });

  it("an upload's time is shown in the zone of the module's institution, and the page says so", async () => {
    const w = await busySession();
    const resource = await Resource.findOne({ module: w.module._id }).orFail();
    const version = await ResourceVersion.findOne({ resource: resource._id }).orFail();
    const agent = await signIn(app, w.people.coordinator.email!);
    const page = await agent.get(`/resources/${resource.id}`).expect(200);
    const text = visibleText(page.text);
    expect(text).to.include('Times are in Asia/Almaty, the time zone of the module’s institution.');
    const local = DateTime.fromJSDate(version.uploadedAt, { zone: 'Asia/Almaty' }).toFormat('yyyy-MM-dd HH:mm');
    expect(text).to.include(local);
    expect(text).not.to.include('UTC');
  });

  it('publishing a module asks first, on a page that works without JavaScript', async () => {
    const w = await sessionsWorld();
    const draft = await TrainingModule.findById(w.modules.draft.id).orFail();
    draft.set({ objectives: ['Know it'], languages: ['en'] });
    await draft.save();
    const agent = await signIn(app, w.people.coordinator.email!);
    const show = await agent.get(`/modules/${draft.id}`).expect(200);
    expect(links(show.text)).to.include(`/modules/${draft.id}/publish`);
    const confirm = await agent.get(`/modules/${draft.id}/publish`).expect(200);
    expectNoMissingTranslations(confirm.text);
    expect(visibleText(confirm.text)).to.include('Publish “Secret draft”? It appears in the catalogue');
    expect(confirm.text).to.match(new RegExp(`<form method="post" action="/modules/${draft.id}/publish">`));
    expect((await TrainingModule.findById(draft.id).orFail()).status).to.equal('draft');
    expect((await post(agent, `/modules/${draft.id}/publish`)).status).to.equal(303);
    expect((await TrainingModule.findById(draft.id).orFail()).status).to.equal('published');
    // once published, the question no longer applies
    await agent.get(`/modules/${draft.id}/publish`).expect(303);
    const other = await buildModule({ status: 'draft', institution: w.kampala });
    await agent.get(`/modules/${other.id as string}/publish`).expect(404);
  });
});
