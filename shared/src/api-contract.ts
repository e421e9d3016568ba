/**
 * The public API's enums and limits, defined once and dependency-free: the validators (joi), the
 * OpenAPI document, the page and the CLI all import them from here, so none can drift.
 */
import { SPEC_METRICS, type MetricName } from './report-dataset.ts';

export * from './export-formats.ts';

/** The four statuses of an export job, in the order a job moves through them. */
export const JOB_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Where a job's work stands, for its progress bar. */
export const PROGRESS_STAGES = ['queued', 'aggregating', 'rendering', 'uploading', 'done'] as const;
export type ProgressStage = (typeof PROGRESS_STAGES)[number];

/** Something a finished export's user should know; the file is still the file asked for. */
export const JOB_WARNING_CODES = ['no_data', 'range_in_future'] as const;
export type JobWarningCode = (typeof JOB_WARNING_CODES)[number];

/** The spec's hard cap (MAX_DATE_RANGE_DAYS in cross-channel analytics). */
export const MAX_DATE_RANGE_DAYS = 90;

/**
 * Dates a report or a filter may name. Ad data before 2000 does not exist, and a far-future
 * date is a typo or an attack; the bound also keeps every date sum inside the calendar.
 */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2099-12-31';

/** What a CSV row can be keyed by, in column and sort order. */
export const DIMENSIONS = ['date', 'platform', 'account', 'campaign'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const GRANULARITIES = ['day', 'week', 'month', 'total'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Values accepted before week and month existed; `total` kept its name. */
export const GRANULARITY_ALIASES: Readonly<Record<string, Granularity>> = { daily: 'day' };

/** The shape of a CSV export, as a validated request names it (defaults filled in). */
export interface CsvLayout {
  dimensions: Dimension[];
  granularity: Granularity;
  metrics: MetricName[];
  include_currency: boolean;
}

/** The spec's file: one row per date per platform, `date,platform,spend,…,cpa`. */
export const DEFAULT_CSV_LAYOUT: Readonly<CsvLayout> = Object.freeze({
  dimensions: ['date', 'platform'] as Dimension[],
  granularity: 'day' as const,
  metrics: [...SPEC_METRICS],
  include_currency: false,
});
