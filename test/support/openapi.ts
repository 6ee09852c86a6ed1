import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'chai';
import { openApiDocument } from '../../src/api/openapi.ts';

// Answers held to the API's own OpenAPI document: each body is validated against the schema the
// document names for it (JSON Schema 2020-12, as OpenAPI 3.1 uses), with the formats checked.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date', (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)));
ajv.addFormat('date-time', (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v));
ajv.addSchema(openApiDocument('http://cadre.test'), 'openapi');

/** A page of this schema's records: { data: [...], next_cursor }. */
export function expectPageOf(schema: string, body: unknown): void {
  const validate = ajv.compile({
    type: 'object',
    required: ['data', 'next_cursor'],
    additionalProperties: false,
    properties: {
      data: { type: 'array', items: { $ref: `openapi#/components/schemas/${schema}` } },
      next_cursor: { type: ['string', 'null'] },
    },
  });
  expect(validate(body), ajv.errorsText(validate.errors)).to.equal(true);
}

/** One record (or problem) of this schema. */
export function expectOneOf(schema: string, body: unknown): void {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
  expect(validate(body), ajv.errorsText(validate.errors)).to.equal(true);
}
