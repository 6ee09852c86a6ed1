import passport, { type PassportStatic } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { toActor } from '../people/people.service.ts';
import { credentialsById } from '../people/credentials.service.ts';
import { authenticate } from './auth.service.ts';

// The login session holds only the person's id and the authVersion they signed in with:
// a password change, a reset or a deactivation raises authVersion and ends older sessions.

type SessionRecord = { id: string; v: number };

export function configurePassport(passwordHashCost: number): PassportStatic {
  const instance = new passport.Passport();
  instance.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      authenticate(email, password, passwordHashCost).then(
        (user) => done(null, user ?? false),
        (error: unknown) => done(error),
      );
    }),
  );
  instance.serializeUser((user, done) => {
    credentialsById(user.id).then(
      (found) => done(null, { id: user.id, v: found?.authVersion ?? 0 } satisfies SessionRecord),
      done,
    );
  });
  instance.deserializeUser((record: SessionRecord, done) => {
    if (typeof record?.id !== 'string' || !/^[0-9a-f]{24}$/.test(record.id)) return done(null, false);
    // toActor runs inside the chain, so a broken record fails the request (500) instead of hanging it
    credentialsById(record.id)
      .then((user) => {
        // a reply about someone else means the connection is out of step (decision 0007): fail, never act as them
        if (user && user._id.toHexString() !== record.id)
          throw new Error('asked for one person, answered with another');
        return user && user.active && user.authVersion === record.v ? toActor(user) : false;
      })
      .then((actor) => done(null, actor), done);
  });
  return instance as unknown as PassportStatic;
}
