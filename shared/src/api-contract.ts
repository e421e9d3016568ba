/**
 * The public API's enums and limits, defined once and dependency-free: the validators (joi), the
 * OpenAPI document, the page and the CLI all import them from here, so none can drift.
 */
import type { Platform } from './platforms.ts';
import {
  SPEC_METRICS,
  type MetricDelta,
  type MetricName,
  type Metrics,
  type PlatformTotal,
  type TrendPoint,
} from './report-dataset.ts';
import type { ExportFormat } from './export-formats.ts';

export * from './export-formats.ts';

/** The four statuses of an export job, in the order a job moves through them. */
export const JOB_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Where a job's work stands, for its progress bar. */
export const PROGRESS_STAGES = ['queued', 'aggregating', 'rendering', 'uploading', 'done'] as const;
export type ProgressStage = (typeof PROGRESS_STAGES)[number];

/** Something a finished export's user should know; the file is still the file asked for. */
export const JOB_WARNING_CODES = ['no_data', 'range_in_future', 'range_capped'] as const;
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

/** Who a user is in a workspace: admins and media buyers export, viewers read. */
export const ROLES = ['admin', 'mediabuyer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PLAN_NAMES = ['starter', 'pro', 'agency'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export const SUBSCRIPTION_STATUSES = [
  'active',
  'trialing',
  'past_due',
  'canceled',
  'none',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/* The response bodies: the server builds them, the page reads them, both from these types. */

/** What an export was asked for, as the job keeps and shows it. */
export interface ExportParams {
  since: string;
  until: string;
  platforms: Platform[];
  target_currency: string;
  timezone: string;
  compare_previous: boolean;
  csv_bom: boolean;
  /** CSV only, like the rest of the layout. Jobs stored before week and month say `daily`. */
  granularity?: Granularity | 'daily';
  dimensions?: Dimension[];
  metrics?: MetricName[];
  include_currency?: boolean;
}

/** A job as the API shows it: no storage keys, a fresh download link when it is ready. */
export interface JobView {
  job_id: string;
  status: JobStatus;
  format: ExportFormat;
  /** The user id (the token's `sub`) of whoever asked for it. */
  requested_by: string;
  /** The asker's display name, where their token carried one. */
  requested_by_name?: string;
  /** The schedule whose run made this job, and its name when it ran. */
  schedule_id?: string;
  schedule_name?: string;
  params: ExportParams;
  progress: { stage: ProgressStage; percent: number; rows?: number } | null;
  file: {
    filename: string;
    bytes: number;
    rows: number;
    sha256: string;
    content_type: string;
  } | null;
  error: { code: string; message: string } | null;
  warnings: { code: JobWarningCode; message: string }[];
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  download_url?: string;
  expires_at?: string;
}

export interface Quota {
  /** Exports a month; null when the plan has no limit. */
  limit: number | null;
  used: number;
  remaining: number | null;
  /** First instant of next month, UTC. */
  resets_at: string;
}

/** Why this user cannot start an export now, said before they try. */
export interface ExportBlocker {
  reason: 'insufficient_role' | 'subscription_required';
  message: string;
}

/** GET /api/v1/workspaces/current: the caller's workspace, plan, quota and rights. */
export interface WorkspaceView {
  workspace_id: string;
  name: string;
  timezone: string;
  currency: string;
  /** The currencies a report can be made in (those with exchange rates), for the page's picker. */
  currencies: readonly string[];
  plan: { name: PlanName; label: string; exports_per_month: number | null };
  subscription: { status: SubscriptionStatus; active: boolean };
  quota: Quota;
  features: { custom_branding: boolean; scheduled_exports: number };
  /** The report colours, so a page draws its charts as the PDF will; null for the default. */
  branding: { primary_color: string | null; secondary_color: string | null } | null;
  user: { user_id: string; role: Role; can_export: boolean; export_blocked: ExportBlocker | null };
}

/** GET /api/v1/analytics/summary: the on-screen view, from the engine the exports use. */
export interface SummaryView {
  currency: { code: string; minor_units: number };
  period: { since: string; until: string; days: number; timezone: string };
  /** False when the range holds no row for any chosen platform: the page says so. */
  has_data: boolean;
  totals: Metrics;
  platforms: PlatformTotal[];
  channel_mix: { platform: Platform; spend: number; share: number | null }[];
  trend: TrendPoint[];
  previous: {
    since: string;
    until: string;
    deltas: Record<MetricName, MetricDelta>;
  } | null;
  warnings: { code: string; message: string }[];
}

/* Scheduled exports. */

/** What a schedule's run exports, relative to its run's own date in the schedule's zone. */
export const SCHEDULE_RANGES = [
  'last_7_days',
  'last_14_days',
  'last_30_days',
  'last_90_days',
  'previous_week',
  'previous_month',
  'previous_quarter',
  'month_to_date',
] as const;
export type ScheduleRange = (typeof SCHEDULE_RANGES)[number];

export const SCHEDULE_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type ScheduleFrequency = (typeof SCHEDULE_FREQUENCIES)[number];

/** ISO weekdays, Monday first. */
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When a schedule runs, at a local `HH:MM` in its zone. */
export type Recurrence =
  | { frequency: 'daily'; time: string }
  | { frequency: 'weekly'; days: Weekday[]; time: string }
  | { frequency: 'monthly'; day: number | 'last'; time: string };

/** The most runs a preview lists, and how many it lists by default (and a schedule shows). */
export const MAX_PREVIEW_RUNS = 50;
export const DEFAULT_PREVIEW_RUNS = 3;

export const SCHEDULE_STATUSES = ['active', 'paused'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** Why a schedule paused: by hand, or by itself at a run. */
export const PAUSE_REASONS = [
  'paused_by_user',
  'repeated_failures',
  'subscription_required',
  'cross_channel_disabled',
  'plan_limit',
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/**
 * What became of one run. `pending` while its job is being created; `job` once it has one (the
 * job's own status says how it went); the rest are runs that made no job, and why.
 */
export const RUN_OUTCOMES = [
  'pending',
  'job',
  'missed',
  'skipped_overlap',
  'skipped_quota',
  'skipped_gate',
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** Failed runs in a row after which a schedule pauses itself. */
export const MAX_FAILED_RUNS_IN_A_ROW = 3;
/** The longest schedule name. */
export const MAX_SCHEDULE_NAME_LENGTH = 200;

/** One run of a schedule as the API shows it. */
export interface ScheduleRunView {
  scheduled_for: string;
  fired_at: string;
  outcome: RunOutcome;
  /** Why a run made no job (a gate's reason, the quota, the overlapping job). */
  reason: { code: string; message: string } | null;
  job_id: string | null;
  /** The job's status now, for a run that made one. */
  job_status: JobStatus | null;
  since: string;
  until: string;
}

/** A schedule as the API shows it. */
export interface ScheduleView {
  schedule_id: string;
  name: string;
  export: Omit<ExportParams, 'since' | 'until' | 'timezone'> & { format: ExportFormat };
  range: ScheduleRange;
  recurrence: Recurrence;
  timezone: string;
  status: ScheduleStatus;
  paused_reason: { code: PauseReason; message: string } | null;
  /** The next runs (three), ISO 8601 with their offset; empty while paused. */
  next_runs: string[];
  last_run: ScheduleRunView | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}
