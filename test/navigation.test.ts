import { expect } from 'chai';
import type { Actor } from '../src/access/actor.ts';
import { menuFor } from '../src/http/navigation.ts';

const actor = (roles: Actor['roles']): Actor => ({
  id: 'x',
  email: 'x@example.org',
  fullName: 'X',
  roles,
  institutionId: undefined,
  countryId: undefined,
  scopeInstitutionIds: [],
  language: 'en',
  mustChangePassword: false,
});

describe('the main menu', () => {
  it('shows each role only the pages it may open', () => {
    const hrefs = (roles: Actor['roles']) => menuFor(actor(roles), '/').map((item) => item.href);
    expect(hrefs(['staff'])).to.deep.equal(['/', '/catalogue', '/curricula', '/my-training', '/calendar']);
    expect(hrefs(['trainer']))
      .to.include.members(['/my-teaching', '/institutions'])
      .and.not.include('/people');
    expect(hrefs(['coordinator']))
      .to.include.members(['/sessions', '/modules', '/people'])
      .and.not.include('/countries');
    expect(hrefs(['admin'])).to.include('/countries');
  });

  it('marks the section of the current page, and home only on the home page', () => {
    const current = (path: string) =>
      menuFor(actor(['admin']), path)
        .filter((item) => item.current)
        .map((item) => item.href);
    expect(current('/')).to.deep.equal(['/']);
    expect(current('/people/123/edit')).to.deep.equal(['/people']);
    expect(current('/sessions')).to.deep.equal(['/sessions']);
    expect(current('/sessionsx')).to.deep.equal([]);
  });
});
