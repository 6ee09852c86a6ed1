import { ROLES } from '../access/actor.ts';
import { RECORD_RESULTS, STATUS_FILTERS } from '../completions/completions.service.ts';
import { GENDERS } from '../people/people.service.ts';
import { SESSION_STATUSES } from '../sessions/session-queries.service.ts';
import { SESSION_STATUS_FILTERS } from '../sessions/sessions.schemas.ts';
import { API_SCOPES } from './api-scopes.ts';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from './api-queries.ts';
import { PROBLEMS, problemType, type ProblemCode } from './problem.ts';

// The API described in OpenAPI 3.1, served at /api/v1/openapi.json. Written out by hand beside
// the code it describes (api-representations.ts, api-queries.ts); a test validates the document
// and holds every answer the suite receives to its schemas, so the two cannot drift apart.

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });
const id = { type: 'string', pattern: '^[0-9a-f]{24}$' };
const day = { type: 'string', format: 'date' };
const instant = { type: 'string', format: 'date-time' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});
const named = (fields: Record<string, unknown>) => ({ ...object({ id, ...fields }) });

const schemas = {
  Person: object({
    id,
    full_name: { type: 'string' },
    email: nullable('string'),
    service_number: nullable('string'),
    rank: nullable('string'),
    gender: nullable('string', { enum: [...GENDERS, null] }),
    roles: { type: 'array', items: { enum: [...ROLES] } },
    active: { type: 'boolean' },
    language: { type: 'string' },
    institution: { oneOf: [named({ name: { type: 'string' }, code: { type: 'string' } }), { type: 'null' }] },
    country_id: { oneOf: [id, { type: 'null' }] },
  }),
  Session: object({
    id,
    status: { enum: [...SESSION_STATUSES] },
    module: { oneOf: [named({ code: { type: 'string' }, title: { type: 'string' } }), { type: 'null' }] },
    module_version: { type: 'integer' },
    institution: { oneOf: [named({ name: { type: 'string' }, code: { type: 'string' } }), { type: 'null' }] },
    room: { type: 'string' },
    time_zone: { type: 'string', description: 'IANA zone of the venue; days and times are in it' },
    language: { type: 'string' },
    starts_at: instant,
    ends_at: instant,
    days: {
      type: 'array',
      items: object({ date: day, start: { type: 'string', pattern: '^\\d{2}:\\d{2}$' }, end: { type: 'string' } }),
    },
    capacity: { type: 'integer', minimum: 1 },
    places: {
      oneOf: [
        object({ seated: { type: 'integer' }, waiting: { type: 'integer' }, requested: { type: 'integer' } }),
        { type: 'null' },
      ],
      description: 'enrolments counted by state; null until first counted',
    },
    trainers: { type: 'array', items: object({ person_id: id, lead: { type: 'boolean' } }) },
    requires_approval: { type: 'boolean' },
    closed_at: nullable('string', { format: 'date-time' }),
    updated_at: nullable('string', { format: 'date-time' }),
  }),
  Completion: object({
    id,
    person_id: id,
    session_id: { oneOf: [id, { type: 'null' }], description: 'null for a record entered by hand' },
    name_as_issued: { type: 'string' },
    gender: nullable('string'),
    module: named({ code: { type: 'string' }, title: { type: 'string' } }),
    hours: { type: 'number', minimum: 0 },
    started_on: day,
    ended_on: day,
    attendance_percent: nullable('number'),
    pre_score: nullable('number'),
    post_score: nullable('number'),
    result: { enum: [...RECORD_RESULTS] },
    certificate_number: nullable('string'),
    issuer: object({ institution_id: id, name: { type: 'string' }, country_code: { type: 'string' } }),
    issued_at: instant,
    expires_at: nullable('string', { format: 'date-time' }),
    source: { type: 'string' },
    status: { type: 'string', description: 'as shown today: valid, expired, revoked, withdrawn or superseded' },
  }),
  Me: object({
    person: ref('Person'),
    token: object({
      name: { type: 'string' },
      scopes: { type: 'array', items: { enum: [...API_SCOPES] } },
      scopes_in_force: {
        type: 'array',
        items: { enum: [...API_SCOPES] },
        description: "the token's scopes that its owner's roles still allow",
      },
      expires_at: instant,
    }),
  }),
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', enum: (Object.keys(PROBLEMS) as ProblemCode[]).map(problemType) },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      request_id: { type: 'string' },
      errors: {
        type: 'array',
        items: object({ name: { type: 'string' }, reason: { type: 'string' } }),
      },
    },
  },
};

const page = (item: string) => ({
  ...object({
    data: { type: 'array', items: ref(item) },
    next_cursor: {
      type: ['string', 'null'],
      description: 'pass as `cursor` for the next page; null on the last page',
    },
  }),
});

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

const PROBLEM_RESPONSES = {
  '400': problem('A query parameter is unknown, repeated or out of range (`errors` names each)'),
  '401': problem('No token, or one that is unknown, expired or revoked'),
  '403': problem('The token lacks the scope, or its owner may no longer read these records'),
  '429': problem('Too many requests: wait `Retry-After` seconds'),
  '503': problem('The database is unavailable: try again after `Retry-After` seconds'),
};

const query = (name: string, schema: Record<string, unknown>, description: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});

const paging = [
  query(
    'limit',
    { type: 'integer', minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT },
    'records a page',
  ),
  query('cursor', { type: 'string' }, "the previous page's `next_cursor`"),
];

const listOperation = (scope: string, item: string, summary: string, parameters: unknown[]) => ({
  get: {
    summary,
    security: [{ token: [scope] }],
    parameters: [...paging, ...parameters],
    responses: {
      '200': {
        description: `A page of records, in the order of their ids (a page after another never repeats a record). Needs \`${scope}\`.`,
        headers: {
          'RateLimit-Remaining': { schema: { type: 'integer' }, description: 'requests left this minute' },
        },
        content: { 'application/json': { schema: page(item) } },
      },
      ...PROBLEM_RESPONSES,
    },
  },
});

const oneOperation = (scope: string, item: string, summary: string) => ({
  get: {
    summary,
    security: [{ token: [scope] }],
    parameters: [{ name: 'id', in: 'path', required: true, schema: id }],
    responses: {
      '200': { description: `The record. Needs \`${scope}\`.`, content: { 'application/json': { schema: ref(item) } } },
      '404': problem('No such record, or not one the token may read'),
      ...PROBLEM_RESPONSES,
    },
  },
});

const institution = query('institution', id, 'only this institution (within your scope)');
const moduleFilter = query('module', id, 'only this module');
const gender = query('gender', { enum: [...GENDERS] }, 'only this gender');

/** The document, with the address the API is served at. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cadre read-only API',
      version: '1.0.0',
      description: [
        'Read-only access for HR and donor systems to the people, training sessions and completion records',
        'that the token owner may see on the pages (administrators: everything; coordinators: the institutions',
        'in their scope).',
        '',
        'Make a personal access token on your account page (Account → API tokens) and send it as',
        '`Authorization: Bearer <token>`. Each token has scopes (`read:people`, `read:sessions`,',
        '`read:completions`) and an expiry; it can be revoked at any time.',
        '',
        'Lists are paged by cursor: follow `next_cursor` until it is null. Errors are RFC 9457 problem',
        'details (`application/problem+json`). Each token may make a limited number of requests a minute;',
        'beyond it the answer is 429 with `Retry-After`.',
      ].join('\n'),
    },
    servers: [{ url: serverUrl }],
    security: [{ token: [] }],
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'a personal access token (cadre_…)' },
      },
      schemas,
    },
    paths: {
      '/me': {
        get: {
          summary: 'The token and its owner',
          responses: {
            '200': { description: 'Who the token acts for', content: { 'application/json': { schema: ref('Me') } } },
            ...PROBLEM_RESPONSES,
          },
        },
      },
      '/people': listOperation('read:people', 'Person', 'People', [
        query('q', { type: 'string', maxLength: 100 }, 'words of a name, service number or e-mail'),
        query('role', { enum: [...ROLES] }, 'only people with this role'),
        institution,
        gender,
        query('status', { enum: ['active', 'inactive', 'all'], default: 'all' }, 'active, inactive or both'),
      ]),
      '/people/{id}': oneOperation('read:people', 'Person', 'One person'),
      '/sessions': listOperation('read:sessions', 'Session', 'Training sessions', [
        query('status', { enum: [...SESSION_STATUS_FILTERS], default: 'all' }, 'current: not yet over; past: over'),
        institution,
        moduleFilter,
        query('trainer', id, 'only sessions this person trains'),
        query('from', day, 'sessions ending on or after this day'),
        query('to', day, 'sessions starting on or before this day'),
      ]),
      '/sessions/{id}': oneOperation('read:sessions', 'Session', 'One training session'),
      '/completions': listOperation('read:completions', 'Completion', 'Completion records', [
        institution,
        query('country', id, 'only records issued in this country'),
        moduleFilter,
        query('ended_from', day, "training's last day on or after this day"),
        query('ended_to', day, "training's last day on or before this day"),
        query('result', { enum: [...RECORD_RESULTS] }, 'only this result'),
        query('status', { enum: [...STATUS_FILTERS] }, 'only this status (as shown today)'),
        gender,
      ]),
      '/completions/{id}': oneOperation('read:completions', 'Completion', 'One completion record'),
    },
  };
}
