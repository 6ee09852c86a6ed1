import type { Express } from 'express';
import request from 'supertest';
import { DEFAULT_PASSWORD } from './factories.ts';

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the first form on a page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** GETs a page and returns its CSRF token, for the form post that follows. */
export async function csrfToken(agent: Agent, path = '/login'): Promise<string> {
  const res = await agent.get(path);
  return csrfFrom(res.text);
}

/** A signed-in agent (cookie jar), like a browser after the sign-in form. */
export async function signIn(app: Express, email: string, password = DEFAULT_PASSWORD): Promise<Agent> {
  const agent = request.agent(app);
  const token = await csrfToken(agent);
  const res = await agent.post('/login').type('form').send({ _csrf: token, email, password });
  if (res.status !== 303) throw new Error(`sign-in as ${email} failed with ${res.status}`);
  return agent;
}

export type FormFields = Record<string, string | string[] | undefined>;

/** Encodes a form as a browser does: a repeated name for each value of a list. */
export function formBody(fields: FormFields): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) body.append(name, v);
  }
  return body.toString();
}

/** Posts a form with a fresh CSRF token taken from the page the form lives on. */
export async function postForm(agent: Agent, formPage: string, action: string, fields: FormFields) {
  const token = await csrfToken(agent, formPage);
  return agent
    .post(action)
    .type('form')
    .send(formBody({ _csrf: token, ...fields }));
}

/** Posts a form as a signed-in person, with a valid CSRF token of their session. */
export async function post(agent: Agent, action: string, fields: FormFields = {}) {
  const token = await csrfToken(agent, '/account');
  return agent
    .post(action)
    .type('form')
    .send(formBody({ _csrf: token, ...fields }));
}
