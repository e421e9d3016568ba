import { Ajv2020 } from 'ajv/dist/2020.js';
import assert from 'node:assert/strict';
import addFormats from 'ajv-formats';
import type { Request, Response } from 'superagent';
import request from 'supertest';
import { OPENAPI_DOCUMENT } from '../src/http/openapi.ts';

const DOC_ID = 'https://wevion.example/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ ...OPENAPI_DOCUMENT, $id: DOC_ID });

/** A JSON pointer segment: "/" and "~" escaped. */
const segment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

interface Operation {
  responses: Record<
    string,
    {
      content?: Record<string, unknown>;
      headers?: Record<string, { required?: boolean; schema: object }>;
    }
  >;
}

const templates = Object.keys(OPENAPI_DOCUMENT.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/**
 * What is wrong with one response against the OpenAPI document, or null: its status must be
 * documented for the operation, its JSON body must match the schema, and its headers the ones
 * declared.
 */
export function contractProblem(method: string, path: string, response: Response): string | null {
  // The page, health and the reference page's script are not part of the API.
  if (!path.startsWith('/api/') || path.startsWith('/api/docs/')) return null;
  const where = `${method} ${path} → ${response.status}`;
  const template = templates.find((t) => t.pattern.test(path))?.template;
  const operation = template
    ? (OPENAPI_DOCUMENT.paths as Record<string, Record<string, Operation>>)[template]?.[
        method.toLowerCase()
      ]
    : undefined;
  if (!operation) {
    // The router's own answers for what is not an operation: a 404 or 405 in the error shape.
    if (response.status !== 404 && response.status !== 405)
      return `${where}: no such operation in the document`;
    const valid = ajv.validate({ $ref: `${DOC_ID}#/components/schemas/ErrorBody` }, response.body);
    return valid ? null : `${where}: ${ajv.errorsText()}`;
  }
  const status = String(response.status);
  const documented = operation.responses[status];
  if (!documented) return `${where}: status not documented`;
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) return `${where}: header ${name} missing`;
      continue;
    }
    if (!ajv.validate(header.schema, value)) return `${where}: header ${name}: ${ajv.errorsText()}`;
  }
  if (documented.content?.['application/json']) {
    const pointer = ['paths', template!, method.toLowerCase(), 'responses', status]
      .map(segment)
      .join('/');
    const schema = { $ref: `${DOC_ID}#/${pointer}/content/application~1json/schema` };
    if (!ajv.validate(schema, response.body)) return `${where}: ${ajv.errorsText()}`;
  }
  return null;
}

/**
 * What is wrong with a JSON request body the API accepted, or null: a body the server takes must
 * be one the document allows, or a client generated from it could not send it.
 */
export function requestProblem(method: string, path: string, body: unknown): string | null {
  if (!path.startsWith('/api/') || body === undefined || typeof body !== 'object') return null;
  const template = templates.find((t) => t.pattern.test(path))?.template;
  const operation = template
    ? (OPENAPI_DOCUMENT.paths as Record<string, Record<string, { requestBody?: unknown }>>)[
        template
      ]?.[method.toLowerCase()]
    : undefined;
  const where = `${method} ${path} request`;
  if (!operation?.requestBody)
    return Object.keys(body as object).length ? `${where}: the document describes no body` : null;
  const pointer = ['paths', template!, method.toLowerCase(), 'requestBody'].map(segment).join('/');
  const schema = { $ref: `${DOC_ID}#/${pointer}/content/application~1json/schema` };
  return ajv.validate(schema, body) ? null : `${where}: ${ajv.errorsText()}`;
}

/**
 * supertest for an app whose every response is checked against the document, and every JSON
 * body it accepted too. Call it inside a
 * `describe`: after each test, what did not match fails that test.
 */
export function contractCheckedHttp(app: () => Parameters<typeof request>[0]) {
  const violations: string[] = [];
  afterEach(() =>
    assert.deepEqual(violations.splice(0), [], 'responses match the OpenAPI document'),
  );
  return () =>
    request.agent(app()).use((req: Request) => {
      req.on('response', (response: Response) => {
        const path = new URL(req.url).pathname;
        const problem = contractProblem(req.method, path, response);
        if (problem) violations.push(problem);
        // superagent keeps what `.send()` was given; a JSON body is an object.
        const sent = (req as unknown as { _data?: unknown })._data;
        if (response.status < 300 && sent !== undefined && !Buffer.isBuffer(sent)) {
          const refused = requestProblem(req.method, path, sent);
          if (refused) violations.push(refused);
        }
      });
    });
}

/** What is wrong with `value` against the schema at a JSON pointer of the document, or null. */
export function documentProblem(pointer: readonly string[], value: unknown): string | null {
  const schema = { $ref: `${DOC_ID}#/${pointer.map(segment).join('/')}` };
  return ajv.validate(schema, value) ? null : ajv.errorsText();
}

/** Every JSON body the document describes: requests, responses and webhook payloads. */
export function documentedBodies(): {
  where: string;
  kind: 'request' | 'response';
  method: string;
  path: string;
  pointer: string[];
  example: unknown;
}[] {
  const bodies: ReturnType<typeof documentedBodies> = [];
  const doc = OPENAPI_DOCUMENT as unknown as Record<
    'paths' | 'webhooks',
    Record<
      string,
      Record<
        string,
        {
          requestBody?: { content: Record<string, { example?: unknown }> };
          responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
        }
      >
    >
  >;
  for (const section of ['paths', 'webhooks'] as const) {
    for (const [path, operations] of Object.entries(doc[section])) {
      for (const [method, operation] of Object.entries(operations)) {
        const add = (
          kind: 'request' | 'response',
          where: string,
          at: string[],
          body: { example?: unknown } | undefined,
        ) => {
          if (!body) return;
          const pointer = [section, path, method, ...at, 'content', 'application/json', 'schema'];
          bodies.push({
            where: `${method.toUpperCase()} ${path} ${where}`,
            kind,
            method,
            path,
            pointer,
            example: body.example,
          });
        };
        add(
          'request',
          'request',
          ['requestBody'],
          operation.requestBody?.content['application/json'],
        );
        for (const [status, response] of Object.entries(operation.responses))
          add(
            'response',
            `→ ${status}`,
            ['responses', status],
            response.content?.['application/json'],
          );
      }
    }
  }
  return bodies;
}
