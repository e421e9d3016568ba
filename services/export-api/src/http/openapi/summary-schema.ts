import { MAX_DATE_RANGE_DAYS, METRIC_NAMES } from '@wevion/shared';
import {
  date,
  metricDelta,
  metrics,
  metricsWith,
  nullable,
  platform,
  share,
  codeAndMessage,
} from './building-blocks.ts';

/** The on-screen view of a range: the same figures the exports carry. */
export const summarySchemas = {
  Summary: {
    type: 'object',
    description: 'The on-screen view, from the same engine as the exports.',
    required: [
      'currency',
      'period',
      'has_data',
      'totals',
      'platforms',
      'channel_mix',
      'trend',
      'warnings',
    ],
    properties: {
      currency: {
        type: 'object',
        required: ['code', 'minor_units'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', pattern: '^[A-Z]{3}$' },
          minor_units: { type: 'integer', minimum: 0, maximum: 4 },
        },
      },
      has_data: {
        type: 'boolean',
        description:
          'False when no chosen platform has a single row in the range: every figure is zero.',
      },
      period: {
        type: 'object',
        required: ['since', 'until', 'days', 'timezone'],
        additionalProperties: false,
        properties: {
          since: date,
          until: date,
          days: { type: 'integer', minimum: 1, maximum: MAX_DATE_RANGE_DAYS },
          timezone: { type: 'string' },
        },
      },
      totals: metrics,
      platforms: { type: 'array', items: metricsWith({ platform, spend_share: share }) },
      channel_mix: {
        type: 'array',
        items: {
          type: 'object',
          required: ['platform', 'spend', 'share'],
          additionalProperties: false,
          properties: { platform, spend: { type: 'number' }, share },
        },
      },
      trend: { type: 'array', items: metricsWith({ date }) },
      previous: nullable({
        type: 'object',
        required: ['since', 'until', 'deltas'],
        additionalProperties: false,
        properties: {
          since: date,
          until: date,
          deltas: {
            type: 'object',
            required: [...METRIC_NAMES],
            additionalProperties: false,
            properties: Object.fromEntries(METRIC_NAMES.map((m) => [m, metricDelta])),
          },
        },
      }),
      warnings: { type: 'array', items: codeAndMessage({ type: 'string' }) },
    },
  },
};
