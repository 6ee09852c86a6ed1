import type { Actor } from '../access/actor.ts';
import { keepsCompletionRecords } from '../access/completion.policy.ts';
import { isPeopleManager } from '../access/person.policy.ts';
import { isSessionManager } from '../access/session.policy.ts';

// What a token may read, and who may hold each scope: the people whose pages show the same
// records (the people list, the sessions list, the completion records). A token's scopes are
// checked against its owner's roles on every request, so a person who loses a role loses what
// their tokens could read with it.

export const API_SCOPES = ['read:people', 'read:sessions', 'read:completions'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const HOLDS: Record<ApiScope, (actor: Actor) => boolean> = {
  'read:people': isPeopleManager,
  'read:sessions': isSessionManager,
  'read:completions': keepsCompletionRecords,
};

/** Whether the person may use this scope today (the pages' rule for the same records). */
export const mayHoldScope = (actor: Actor, scope: ApiScope): boolean => HOLDS[scope](actor);

/** The translation key of what a scope lets a token read ("read:people" → api:scopes.people). */
export const scopeLabelKey = (scope: ApiScope): string => `api:scopes.${scope.slice('read:'.length)}`;

/** The scopes the person may give a token; none means the tokens page is not for them. */
export const scopesFor = (actor: Actor): ApiScope[] => API_SCOPES.filter((scope) => mayHoldScope(actor, scope));
