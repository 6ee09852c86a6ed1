import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Actor, Role } from '../../src/access/actor.ts';
import { authorize, can, type ActionOf, type Policy, type RecordOf } from '../../src/access/policy.ts';
import { HttpError } from '../../src/http/errors.ts';

// The policy tests' tables (test/policies*.test.ts): one table per record, a row per actor, a
// column per action of the policy in the order the policy declares them. Y allowed, F (403) seen
// but not allowed, 404 not seen; "unseen" is a row of 404s. Each cell is checked with can and
// authorize. Plain actors and records: no database.

export const id = () => new mongoose.Types.ObjectId();
export const kz = id();
export const ug = id();
export const academy = id(); // Kazakhstan
export const partner = id(); // Kazakhstan, in the coordinator's scope
export const elsewhere = id(); // Kazakhstan, another coordinator's
export const kampala = id(); // Uganda

export type Id = mongoose.Types.ObjectId;

/** An actor as toActor builds one: their own institution is in their scope. */
function actor(roles: Role[], at?: Id, country?: Id, scope: Id[] = []): Actor {
  const institutionId = at?.toHexString();
  return {
    id: id().toHexString(),
    email: 'someone@test.example',
    fullName: 'Someone',
    roles,
    institutionId,
    countryId: country?.toHexString(),
    scopeInstitutionIds: [at, ...scope].filter((i) => i !== undefined).map((i) => i.toHexString()),
    language: 'en',
    mustChangePassword: false,
  };
}

export const actors = {
  admin: actor(['admin'], undefined),
  coordinator: actor(['coordinator'], academy, kz, [partner]),
  otherCoordinator: actor(['coordinator'], elsewhere, kz),
  trainer: actor(['trainer'], academy, kz),
  otherTrainer: actor(['trainer'], elsewhere, kz, [kampala]),
  staff: actor(['staff'], academy, kz),
  foreignStaff: actor(['staff'], kampala, ug),
};
export type ActorName = keyof typeof actors;
const described: Record<ActorName, string> = {
  admin: 'an admin',
  coordinator: 'the coordinator of the academy (and of Partner)',
  otherCoordinator: 'a coordinator of another institution in Kazakhstan',
  trainer: 'a trainer of the academy, who teaches the sessions',
  otherTrainer: 'a trainer elsewhere, teaching none of them, whose scope reaches into Uganda',
  staff: 'staff of the academy (Kazakhstan)',
  foreignStaff: 'staff in Uganda',
};
export const oid = (a: Actor) => new mongoose.Types.ObjectId(a.id);

export const Y = 'Y';
export const F = 403;
export type Outcome = typeof Y | 403 | 404;
type Row = Outcome[] | 'unseen';

export function status(run: () => void): Outcome {
  try {
    run();
    return Y;
  } catch (error) {
    if (error instanceof HttpError && (error.status === 403 || error.status === 404)) return error.status;
    throw error;
  }
}

/** One `it` per actor: every action of the policy, through can and through authorize. */
export function table<P extends Policy<never>>(policy: P, record: RecordOf<P>, rows: Record<ActorName, Row>) {
  const actions = Object.keys(policy) as ActionOf<P>[];
  for (const [name, row] of Object.entries(rows) as [ActorName, Row][]) {
    const expected = row === 'unseen' ? actions.map((): Outcome => 404) : row;
    const wording = actions
      .map((action, i) => `${action} ${expected[i] === Y ? 'yes' : String(expected[i])}`)
      .join(', ');
    it(`${described[name]}: ${wording}`, () => {
      expect(expected, 'one cell per action').to.have.length(actions.length);
      const who = actors[name];
      const answers = actions.map((action) => status(() => authorize(who, policy, action, record)));
      expect(Object.fromEntries(actions.map((a, i) => [a, answers[i]]))).to.deep.equal(
        Object.fromEntries(actions.map((a, i) => [a, expected[i]])),
      );
      actions.forEach((action, i) => expect(can(who, policy, action, record), action).to.equal(answers[i] === Y));
    });
  }
}

export const session = (institution: Id, country: Id, status: string) => ({
  institution,
  country,
  status,
  trainers: [{ person: oid(actors.trainer) }],
});
