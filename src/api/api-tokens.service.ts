import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { audit } from '../audit/audit.ts';
import { findPage } from '../db/find-page.ts';
import type { Page } from '../db/pagination.ts';
import { isObjectId } from '../db/object-id.ts';
import { fieldError, forbidden, notFound } from '../http/errors.ts';
import { credentialsById } from '../people/credentials.service.ts';
import { toActor } from '../people/people.service.ts';
import { mayHoldScope, scopesFor, type ApiScope } from './api-scopes.ts';
import { ApiToken, type ApiTokenFields } from './api-token.model.ts';
import type { TokenInput } from './api-tokens.schemas.ts';

// Personal access tokens (decision 0022): a person makes them for themselves, sees each secret
// once, and revokes them. A request presents the secret; its SHA-256 finds the token. The
// secret is 32 random bytes, so a plain hash is enough: nobody can guess one to try against it.

const PREFIX = 'cadre_';

/** How many tokens a person may hold at once (not revoked and not expired). */
export const LIVE_TOKENS_MAX = 20;

/** How often a token's last use is written: once a minute is enough to know it is in use. */
const LAST_USE_EVERY_MS = 60_000;

export type TokenRow = ApiTokenFields & { _id: mongoose.Types.ObjectId };
export type TokenState = 'active' | 'expired' | 'revoked';

export const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function stateOf(token: Pick<TokenRow, 'revokedAt' | 'expiresAt'>, now = new Date()): TokenState {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt <= now ? 'expired' : 'active';
}

/** The person's tokens, newest first, a page at a time. */
export function tokensOf(actor: Actor, page: number): Promise<Page<TokenRow>> {
  return findPage<TokenRow>(ApiToken, { person: new mongoose.Types.ObjectId(actor.id) }, page, {
    sort: { createdAt: -1 },
    projection: '-tokenHash',
  });
}

/** Makes a token for the person; the secret is returned here and never again. */
export async function createToken(actor: Actor, input: TokenInput, now = new Date()) {
  const allowed = scopesFor(actor);
  if (allowed.length === 0) throw forbidden();
  if (input.scopes.some((scope) => !allowed.includes(scope))) throw fieldError('scopes', 'api:errors.scopeNotYours');
  const live = await ApiToken.find({ person: new mongoose.Types.ObjectId(actor.id) }, 'revokedAt expiresAt').lean();
  if (live.filter((t) => stateOf(t, now) === 'active').length >= LIVE_TOKENS_MAX) {
    throw fieldError('name', 'api:errors.tooMany', { max: LIVE_TOKENS_MAX });
  }
  const secret = PREFIX + randomBytes(32).toString('base64url');
  const token = await ApiToken.create({
    person: actor.id,
    name: input.name,
    scopes: input.scopes,
    tokenHash: hashOf(secret),
    hint: secret.slice(-4),
    expiresAt: new Date(now.getTime() + input.days * 86_400_000),
  });
  await audit(actor, {
    action: 'token.create',
    subject: { collection: 'api_tokens', id: token._id },
    details: { name: token.name, scopes: input.scopes, expiresAt: token.expiresAt.toISOString() },
  });
  return { secret, token };
}

/** One of the person's own tokens; anyone else's is not found. */
export async function ownToken(actor: Actor, id: string): Promise<TokenRow> {
  const token = isObjectId(id) ? await ApiToken.findById(id, '-tokenHash').lean<TokenRow>() : null;
  if (!token || token.person.toHexString() !== actor.id) throw notFound();
  return token;
}

/** Revokes one of the person's tokens: it stops working at once. Revoking twice changes nothing. */
export async function revokeToken(actor: Actor, id: string, now = new Date()): Promise<TokenRow> {
  const token = await ownToken(actor, id);
  if (token.revokedAt) return token;
  await ApiToken.updateOne({ _id: token._id, person: token.person }, { $set: { revokedAt: now } });
  await audit(actor, {
    action: 'token.revoke',
    subject: { collection: 'api_tokens', id: token._id },
    details: { name: token.name },
  });
  return { ...token, revokedAt: now };
}

export type Bearer = { actor: Actor; token: TokenRow };
export type Refusal = 'invalid' | 'expired' | 'revoked';

/**
 * Who presents this secret, or why nobody does. A token works while it is neither revoked nor
 * expired and its owner is active; its scopes are what its owner may still hold (api-scopes.ts).
 */
export async function bearerOf(secret: string, address: string, now = new Date()): Promise<Bearer | Refusal> {
  if (!secret.startsWith(PREFIX) || secret.length > 200) return 'invalid';
  const token = await ApiToken.findOne({ tokenHash: hashOf(secret) }).lean<TokenRow>();
  if (!token) return 'invalid';
  const state = stateOf(token, now);
  if (state !== 'active') return state;
  const person = await credentialsById(token.person.toHexString());
  // a deactivated person's tokens stop with them, as their sign-in does
  if (!person || !person.active) return 'invalid';
  await recordUse(token, address, now);
  return { actor: toActor(person), token };
}

/** Writes when and from where a token was used, at most once a minute unless the address changed. */
async function recordUse(token: TokenRow, address: string, now: Date): Promise<void> {
  const recent = token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USE_EVERY_MS;
  if (recent && token.lastUsedFrom === address) return;
  await ApiToken.updateOne({ _id: token._id }, { $set: { lastUsedAt: now, lastUsedFrom: address } });
}

/** The token's scopes that its owner may still use. */
export const scopesInForce = (bearer: Bearer): ApiScope[] =>
  (bearer.token.scopes as ApiScope[]).filter((scope) => mayHoldScope(bearer.actor, scope));
