import {
  csvLayoutFields,
  DIMENSIONS,
  ECB_REFERENCE_CURRENCIES,
  EXPORT_FORMATS,
  GRANULARITIES,
  METRIC_NAMES,
  PLATFORMS,
  MAX_PLATFORMS_PER_REPORT,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { exportRequestSchema, parseExportRequest } from '../src/http/export-request.ts';
import { EXPORT_REQUEST_EXAMPLE } from '../src/http/openapi/examples.ts';
import { OPENAPI_DOCUMENT } from '../src/http/openapi.ts';
import { documentProblem } from './openapi-contract.ts';

/**
 * The export request has two descriptions, the joi validator the server runs and the schema in
 * the OpenAPI document integrators generate clients from. These tests hold them to one verdict
 * on every field: the same names, the same required ones, and the same answer to each value.
 */
const context = { currencies: ECB_REFERENCE_CURRENCIES, defaultTimezone: 'Europe/Berlin' };
const POINTER = ['components', 'schemas', 'ExportRequest'];
const documented = OPENAPI_DOCUMENT.components.schemas.ExportRequest;

function serverAccepts(body: unknown): boolean {
  try {
    parseExportRequest(body, context);
    return true;
  } catch {
    return false;
  }
}
const documentAccepts = (body: unknown) => documentProblem(POINTER, body) === null;

const pdf = { since: '2026-11-01', until: '2026-11-30', platforms: ['meta'], format: 'PDF' };
const base = { ...pdf, target_currency: 'EUR' };
const csv = { ...base, format: 'CSV' };

/** Bodies both must accept: every value of every enumerated field, on the format it fits. */
const accepted: [string, unknown][] = [
  ['the documented example', EXPORT_REQUEST_EXAMPLE],
  ['the smallest body', base],
  ...EXPORT_FORMATS.map((format): [string, unknown] => [`format ${format}`, { ...base, format }]),
  ...PLATFORMS.map((p): [string, unknown] => [`platform ${p}`, { ...base, platforms: [p] }]),
  [
    `${MAX_PLATFORMS_PER_REPORT} platforms`,
    { ...base, platforms: PLATFORMS.slice(0, MAX_PLATFORMS_PER_REPORT) },
  ],
  ...ECB_REFERENCE_CURRENCIES.map((c): [string, unknown] => [
    `currency ${c}`,
    { ...base, target_currency: c },
  ]),
  ...DIMENSIONS.map((d): [string, unknown] => [
    `dimension ${d}`,
    { ...csv, dimensions: ['date', d].filter((v, i, all) => all.indexOf(v) === i) },
  ]),
  ...[...GRANULARITIES, 'daily'].map((g): [string, unknown] => [
    `granularity ${g}`,
    { ...csv, granularity: g },
  ]),
  ...METRIC_NAMES.map((m): [string, unknown] => [`metric ${m}`, { ...csv, metrics: [m] }]),
  ['booleans', { ...csv, compare_previous: false, csv_bom: true, include_currency: true }],
];

/** Bodies both must refuse: a wrong value, type or count for each rule the document states. */
const refused: [string, unknown][] = [
  ['not an object', ['meta']],
  ...['since', 'until', 'platforms', 'format', 'target_currency'].map((f): [string, unknown] => {
    const { [f as keyof typeof base]: _dropped, ...rest } = base;
    return [`without ${f}`, rest];
  }),
  ['an unknown field', { ...base, currency: 'EUR' }],
  ['a lowercase format', { ...base, format: 'csv' }],
  ['an unknown format', { ...base, format: 'DOCX' }],
  ['an unknown platform', { ...base, platforms: ['myspace'] }],
  ['no platform', { ...base, platforms: [] }],
  ['a repeated platform', { ...base, platforms: ['meta', 'meta'] }],
  [
    'one platform too many',
    { ...base, platforms: [...PLATFORMS, ...PLATFORMS].slice(0, MAX_PLATFORMS_PER_REPORT + 1) },
  ],
  ['a lowercase currency', { ...base, target_currency: 'eur' }],
  ['a date that is not a date', { ...base, since: '1 Nov 2026' }],
  ['a number for a date', { ...base, until: 20261130 }],
  ['a date that does not exist', { ...base, until: '2026-02-30' }],
  ['a string for a boolean', { ...base, compare_previous: 'yes' }],
  ['an unknown dimension', { ...csv, dimensions: ['country'] }],
  ['no dimension', { ...csv, dimensions: [] }],
  ['a repeated dimension', { ...csv, dimensions: ['date', 'date'] }],
  ['an unknown granularity', { ...csv, granularity: 'hour' }],
  ['an unknown metric', { ...csv, metrics: ['reach'] }],
  ['no metric', { ...csv, metrics: [] }],
  ['a repeated metric', { ...csv, metrics: ['spend', 'spend'] }],
  ...Object.keys(csvLayoutFields).map((f): [string, unknown] => [
    `${f} on a PDF`,
    { ...base, [f]: (EXPORT_REQUEST_EXAMPLE as Record<string, unknown>)[f] },
  ]),
];

/**
 * Rules that need more than one field or the calendar, which a JSON schema cannot state: the
 * document says them in words, and only the server enforces them.
 */
const serverOnly: [string, unknown][] = [
  ['until before since', { ...base, since: '2026-11-30', until: '2026-11-01' }],
  ['a 91-day range', { ...base, since: '2026-01-01', until: '2026-04-01' }],
  ['a date before 2000', { ...base, since: '1999-12-31' }],
  ['a zone that is not IANA', { ...base, timezone: 'Mars/Olympus' }],
  ['weeks without a date column', { ...csv, dimensions: ['platform'], granularity: 'week' }],
];

describe('the export request: validator and OpenAPI document', () => {
  it('when the fields are listed, then both name the same ones and require the same ones', () => {
    const described = exportRequestSchema(context).describe() as {
      keys: Record<string, { flags?: { presence?: string } }>;
    };
    assert.deepEqual(Object.keys(documented.properties).sort(), Object.keys(described.keys).sort());
    const required = Object.entries(described.keys)
      .filter(([, rule]) => rule.flags?.presence === 'required')
      .map(([name]) => name);
    assert.deepEqual([...documented.required].sort(), required.sort());
  });

  for (const [name, body] of accepted) {
    it(`when a body has ${name}, then both accept it`, () => {
      assert.equal(documentProblem(POINTER, body), null);
      assert.ok(serverAccepts(body), 'the server accepts it');
    });
  }

  for (const [name, body] of refused) {
    it(`when a body has ${name}, then both refuse it`, () => {
      assert.ok(!documentAccepts(body), 'the document refuses it');
      assert.ok(!serverAccepts(body), 'the server refuses it');
    });
  }

  for (const [name, body] of serverOnly) {
    it(`when a body has ${name}, then the server refuses what the document cannot state`, () => {
      assert.ok(documentAccepts(body), 'the document has no way to say it');
      assert.ok(!serverAccepts(body), 'the server refuses it');
    });
  }
});
