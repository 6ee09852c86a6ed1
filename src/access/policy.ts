import { forbidden, notFound } from '../http/errors.ts';
import type { Actor } from './actor.ts';

// Who may do what to a record, asked in one way everywhere (after Outline's server/policies).
// A policy is one kind of record's rules: `read` and named actions, each a plain predicate.
// Two rules hold for every policy:
// - out of scope (read is false) answers 404 on every verb: no answer tells the record exists;
// - in scope but not allowed answers 403. Whoever may act on a record may see it, so an
//   action is allowed only when read is too.
// Records are plain shapes (ids with toHexString), never models: this folder knows no feature.

/** An id as Mongoose and the driver give it. */
export type HexId = { toHexString(): string };

/** Not allowed, with the reason to show (a translation key) instead of the generic refusal. */
export type Refusal = { refused: string };
export const refuse = (messageKey: string): Refusal => ({ refused: messageKey });

/** An action's answer: allowed (true), refused (false), or refused with a reason. */
export type Verdict = boolean | Refusal;
export type Rule<R> = (actor: Actor, record: R) => Verdict;

/** read answers yes or no: an unseen record has no reason to give, it is simply not there. */
export type Policy<R> = { read: (actor: Actor, record: R) => boolean } & Record<string, Rule<R>>;

/** The record a policy is about, read off its read rule. */
export type RecordOf<P> = P extends { read: (actor: Actor, record: infer R) => boolean } ? R : never;
export type ActionOf<P> = Extract<keyof P, string>;

/** The policy with its record type spelled out: the generic signatures below only carry it. */
const rulesOf = <P extends Policy<never>>(policy: P) => policy as unknown as Policy<RecordOf<P>>;

/** Whether the actor may do the action: read and the action both allow it. */
export function can<P extends Policy<never>>(actor: Actor, policy: P, action: ActionOf<P>, record: RecordOf<P>) {
  const rules = rulesOf(policy);
  return rules.read(actor, record) && (action === 'read' || rules[action]!(actor, record) === true);
}

/** As can, but refusing: 404 when the actor may not see the record, 403 when they may only see it. */
export function authorize<P extends Policy<never>>(
  actor: Actor,
  policy: P,
  action: ActionOf<P>,
  record: RecordOf<P>,
): void {
  const rules = rulesOf(policy);
  if (!rules.read(actor, record)) throw notFound();
  const answer = action === 'read' || rules[action]!(actor, record);
  if (answer === true) return;
  throw forbidden(typeof answer === 'object' ? answer.refused : undefined);
}

/** Every action of the policy answered at once, for a page that shows or hides its buttons. */
export function permissions<P extends Policy<never>>(actor: Actor, policy: P, record: RecordOf<P>) {
  const actions = Object.keys(policy) as ActionOf<P>[];
  return Object.fromEntries(actions.map((action) => [action, can(actor, policy, action, record)])) as Record<
    ActionOf<P>,
    boolean
  >;
}

/** The same id, whatever form it comes in (an ObjectId, a string). */
export const idOf = (id: HexId | string | null | undefined) =>
  typeof id === 'string' ? id : (id?.toHexString() ?? undefined);
