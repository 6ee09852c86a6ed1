import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { formatSize } from '../src/http/format-size.ts';
import { notify } from '../src/notices/notices.service.ts';
import { buildApp } from './support/context.ts';
import { buildInstitution, buildTrainingSession, buildUser } from './support/factories.ts';
import { signIn } from './support/http.ts';
import { links, visibleText } from './page-helpers.ts';

// The small things a new user runs into: an icon for the browser tab, file sizes in each
// language's own words, the way to one's own training from the home page, the pager below a
// long list, and notices that lead to their session.

describe('everyday pages', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  it('answers /favicon.ico with an icon, and every page links one', async () => {
    const icon = await request(app).get('/favicon.ico');
    expect(icon.status).to.equal(200);
    expect(icon.headers['content-type']).to.match(/^image\//);
    const login = await request(app).get('/login');
    expect(login.text).to.match(/<link rel="icon" href="\/public\/img\/favicon\.svg"/);
    expect((await request(app).get('/public/img/favicon.svg')).status).to.equal(200);
  });

  it('writes file sizes with the plural and unit of each language', () => {
    expect(formatSize(1, 'en')).to.equal('1 byte');
    expect(formatSize(595, 'en')).to.equal('595 bytes');
    expect(formatSize(595, 'fr')).to.match(/^595\soctets$/); // \s: French puts a narrow no-break space
    expect(formatSize(595, 'ru')).to.match(/^595\sбайт$/);
    expect(formatSize(2, 'ru')).to.match(/^2\sбайта$/);
    expect(formatSize(595, 'ar')).to.include('595');
    expect(formatSize(12 * 1024, 'en')).to.equal('12 kB');
  });

  it('offers staff "My training" and trainers "My teaching" on the home page', async () => {
    const staff = await buildUser({ roles: ['staff'] });
    const home = (await (await signIn(app, staff.email!)).get('/')).text;
    expect(home).to.match(/<li><a href="\/my-training">My training<\/a>/);
    const trainer = await buildUser({ roles: ['trainer'] });
    const teaching = (await (await signIn(app, trainer.email!)).get('/')).text;
    expect(teaching).to.match(/<li><a href="\/my-teaching">My teaching<\/a>/);
    expect(teaching).not.to.match(/<li><a href="\/my-training">/);
  });

  it('shows the pager of a long people list below the table too', async () => {
    const institution = await buildInstitution();
    const coordinator = await buildUser({ roles: ['coordinator'], institution });
    for (let i = 0; i < 26; i++) await buildUser({ institution, email: null });
    const page = (await (await signIn(app, coordinator.email!)).get('/people')).text;
    const pagers = [...page.matchAll(/<nav class="pagination[^"]*"/g)].map((m) => m.index);
    expect(pagers, 'a pager above and one below').to.have.length(2);
    expect(pagers[0]).to.be.below(page.indexOf('<table'));
    expect(pagers[1]).to.be.above(page.indexOf('</table>'));
    expect(visibleText(page).match(/Page 1 of 2/g)).to.have.length(2);
  });

  it("links a notice's title to its session", async () => {
    const venue = await buildInstitution();
    const session = await buildTrainingSession({ venue });
    const person = await buildUser({ institution: venue });
    await notify({
      people: [person.id as string],
      kind: 'enrolment.enrolled',
      sessionId: session.id as string,
      params: { module: 'PCVE basics', startsAt: session.startsAt.toISOString(), timeZone: 'UTC' },
    });
    const page = (await (await signIn(app, person.email!)).get('/notices')).text;
    expect(links(page)).to.include(`/sessions/${session.id as string}`);
    expect(page).to.match(/<a href="\/sessions\/[0-9a-f]{24}">Enrolled: <bdi>PCVE basics<\/bdi><\/a>/);
  });
});
