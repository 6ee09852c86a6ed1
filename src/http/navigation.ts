import { hasRole, type Actor, type Role } from '../access/actor.ts';

// The main menu: each entry with the roles that see it (none listed = everyone signed in).
const MENU: { href: string; key: string; roles?: Role[] }[] = [
  { href: '/', key: 'nav.home' },
  { href: '/catalogue', key: 'nav.catalogue' },
  { href: '/curricula', key: 'nav.curricula' },
  { href: '/my-training', key: 'nav.myTraining', roles: ['staff'] },
  { href: '/my-teaching', key: 'nav.myTeaching', roles: ['trainer'] },
  { href: '/calendar', key: 'nav.calendar' },
  { href: '/sessions', key: 'nav.sessions', roles: ['admin', 'coordinator'] },
  { href: '/modules', key: 'nav.modules', roles: ['admin', 'coordinator'] },
  { href: '/people', key: 'nav.people', roles: ['admin', 'coordinator'] },
  { href: '/completions', key: 'nav.completions', roles: ['admin', 'coordinator'] },
  { href: '/reports', key: 'nav.reports', roles: ['admin', 'coordinator'] },
  { href: '/institutions', key: 'nav.institutions', roles: ['admin', 'coordinator', 'trainer'] },
  { href: '/countries', key: 'nav.countries', roles: ['admin'] },
];

export type MenuItem = { href: string; key: string; current: boolean };

/** The menu entries this person sees, the one for the current page marked. */
export function menuFor(actor: Actor, path: string): MenuItem[] {
  return MENU.filter((item) => !item.roles || hasRole(actor, ...item.roles)).map((item) => ({
    href: item.href,
    key: item.key,
    current: item.href === '/' ? path === '/' : path === item.href || path.startsWith(`${item.href}/`),
  }));
}
