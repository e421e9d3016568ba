import { METRIC_NAMES, PLATFORMS, type MetricName } from '@wevion/shared';
import { errorExample } from './examples.ts';

/** The small parts every schema and path of the document is built from. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const nullable = (schema: object) => ({ oneOf: [schema, { type: 'null' }] });
export const date = { type: 'string', format: 'date', examples: ['2026-08-01'] };
export const instant = { type: 'string', format: 'date-time' };
export const json = (schema: object, description: string, example?: unknown) => ({
  description,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});
/** An error answer; its example's code is `code`, or the one the description starts with. */
export const error = (description: string, code?: string) =>
  json(ref('ErrorBody'), description, errorExample(code ? `${code}: ${description}` : description));

/** Node's own answer to a request that did not arrive within the server's limits. */
export const REQUEST_TIMEOUT = {
  description: 'The request did not arrive within the server’s time limit; no body.',
};

export const quotaHeaders = {
  'X-Export-Quota-Limit': {
    description: 'Exports a month on the plan (absent on plans without a limit).',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  'X-Export-Quota-Remaining': {
    description: 'Exports left this month, after this request.',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  'X-Export-Quota-Reset': {
    description: 'When the quota renews: Unix seconds (the 1st of next month, 00:00 UTC).',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
};

/** A code for programs and a message for people: job errors and warnings. */
export const codeAndMessage = (code: object) => ({
  type: 'object',
  required: ['code', 'message'],
  additionalProperties: false,
  properties: { code, message: { type: 'string' } },
});

/** Ratios are null when their denominator is 0; sums never are. */
const RATIOS: ReadonlySet<MetricName> = new Set(['ctr', 'cpc', 'cpm', 'roas', 'cpa']);
const metricProperties = Object.fromEntries(
  METRIC_NAMES.map((m) => [m, { type: RATIOS.has(m) ? ['number', 'null'] : 'number' }]),
);
export const metrics = {
  type: 'object',
  required: [...METRIC_NAMES],
  additionalProperties: false,
  properties: metricProperties,
};
export const platform = { enum: PLATFORMS };
export const share = { type: ['number', 'null'], minimum: 0, maximum: 1 };
export const metricDelta = {
  type: 'object',
  required: ['current', 'previous', 'change', 'change_ratio'],
  additionalProperties: false,
  properties: Object.fromEntries(
    ['current', 'previous', 'change', 'change_ratio'].map((k) => [k, { type: ['number', 'null'] }]),
  ),
};
/** A set of metrics plus the fields that say what they belong to. */
export const metricsWith = (fields: Record<string, object>) => ({
  type: 'object',
  required: [...Object.keys(fields), ...METRIC_NAMES],
  additionalProperties: false,
  properties: { ...fields, ...metricProperties },
});

const pathParameter = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
});
export const JOB_ID = pathParameter('job_id');
export const WEBHOOK_ID = pathParameter('webhook_id');

export const gates = {
  '401': error('No token, or one that is invalid or expired.', 'unauthenticated'),
  '403': error('A gate: a viewer, or no active subscription (see `reason`).', 'insufficient_role'),
  '404': error(
    'Cross-channel analytics are disabled for the workspace, or no such job.',
    'job_not_found',
  ),
};
