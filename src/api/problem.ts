import type { Response } from 'express';
import type { TFunction } from 'i18next';

// The API's errors, as RFC 9457 problem details (application/problem+json): a type naming the
// kind of problem (a URN, listed in the OpenAPI document), a title and a detail in the reader's
// language, the status, and for a bad query the parameters at fault.

export const PROBLEMS = {
  unauthorized: 401,
  tokenExpired: 401,
  tokenRevoked: 401,
  insufficientScope: 403,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  invalidParameters: 400,
  rateLimited: 429,
  databaseDown: 503,
  internal: 500,
} as const;
export type ProblemCode = keyof typeof PROBLEMS;

/** A query parameter refused, and why (a translation key's text). */
export type ParameterError = { name: string; reason: string };

export class ApiProblem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly params: Record<string, string | number> = {},
    readonly parameterErrors: readonly ParameterError[] = [],
  ) {
    super(code);
    this.name = 'ApiProblem';
    this.status = PROBLEMS[code];
  }
}

/** The type URI of a kind of problem: urn:cadre:problem:token-expired. */
export const problemType = (code: ProblemCode) =>
  `urn:cadre:problem:${code.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function sendProblem(res: Response, t: TFunction, problem: ApiProblem, requestId?: string): void {
  res.status(problem.status);
  res.type('application/problem+json');
  res.set('Cache-Control', 'no-store');
  res.send(
    JSON.stringify({
      type: problemType(problem.code),
      title: t(`api:problems.${problem.code}.title`),
      status: problem.status,
      detail: t(`api:problems.${problem.code}.detail`, problem.params),
      ...(problem.parameterErrors.length > 0 ? { errors: problem.parameterErrors } : {}),
      ...(requestId ? { request_id: requestId } : {}),
    }),
  );
}
