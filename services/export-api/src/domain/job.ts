import {
  AppError,
  type ExportParams,
  csvLayoutOf,
  EXPORT_FORMAT_SPECS,
  todayIn,
  exportFilename as filenameOf,
  type CsvLayout,
  type ExportFormat,
  type JobError,
  type JobEventMessage,
  type JobFile,
  type JobProgress,
  type JobStatus,
  type JobWarning,
} from '@wevion/shared';

export type { ExportParams };

/** The layout of a job's params (`null` for a fixed format, a PDF); older jobs get the defaults. */
export function csvLayoutOfParams(format: ExportFormat, params: ExportParams): CsvLayout | null {
  // A job from before layouts has no dimensions: csvLayoutOf gives it date and platform, as its
  // file had.
  return EXPORT_FORMAT_SPECS[format].takesLayout ? csvLayoutOf(params) : null;
}

/** A row of `job_results`. Timestamps are ISO strings (UTC). */
export interface Job {
  job_id: string;
  workspace_id: string;
  requested_by: string;
  /** The asker's display name, where their token carried one. */
  requested_by_name?: string;
  /** The schedule whose run made this job, and its name when it ran. */
  schedule_id?: string;
  schedule_name?: string;
  status: JobStatus;
  format: ExportFormat;
  params: ExportParams;
  progress: JobProgress | null;
  file: JobFile | null;
  error: JobError | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
  /** How many times EXPORT_UNIFIED_REPORT was sent (the reconciler re-sends lost ones). */
  enqueue_attempts: number;
  last_enqueued_at: string | null;
  /** What the user should know about the file (an empty range, a range ending in the future). */
  warnings: JobWarning[];
  /**
   * The client's `Idempotency-Key` and a hash of the request it came with: unique per
   * workspace, so a retried POST finds this job instead of making a second one.
   */
  idempotency_key?: string;
  request_hash?: string;
  /**
   * When the job's end was handed to its webhooks. An ended job without it is announced by the
   * reconciler: a crash between the end and its deliveries loses none.
   */
  announced_at?: string;
}

/** How long an `Idempotency-Key` names its job (Stripe's window). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

/** A store refused a job because its workspace already has one with the same idempotency key. */
/** A store refused a second job with one idempotency key: internal, the request replays instead. */
export class IdempotencyKeyTaken extends AppError {
  constructor() {
    super('idempotency_key_taken', 'idempotency key already names a job in this workspace', {
      status: 409,
      expose: false,
    });
  }
}

export type JobPatch = Partial<
  Omit<Job, 'job_id' | 'workspace_id' | 'created_at' | 'idempotency_key' | 'request_hash'>
>;

const TERMINAL: readonly JobStatus[] = ['COMPLETED', 'FAILED'];

function isTerminal(status: JobStatus): boolean {
  return TERMINAL.includes(status);
}

/** Progress moves forward: a higher percent, or more rows written at the same percent. */
function isAhead(next: JobProgress | undefined, current: JobProgress | null): boolean {
  const [percent, was] = [next?.percent ?? 0, current?.percent ?? 0];
  return percent > was || (percent === was && (next?.rows ?? 0) > (current?.rows ?? 0));
}

/**
 * How an event changes a job, or `null` when it must not: statuses only move forward
 * (PENDING → RUNNING → COMPLETED | FAILED), so a duplicate or late event is ignored, and progress
 * never goes backwards. `from` is the status the change is conditional on (compare-and-set).
 */
export function applyEvent(
  job: Job,
  event: JobEventMessage,
): { from: JobStatus; patch: JobPatch } | null {
  if (isTerminal(job.status)) return null;
  const at = event.at;
  switch (event.status) {
    case 'RUNNING': {
      if (job.status === 'RUNNING' && !isAhead(event.progress, job.progress)) return null;
      return {
        from: job.status,
        patch: {
          status: 'RUNNING',
          started_at: job.started_at ?? at,
          progress: event.progress ?? job.progress,
          updated_at: at,
        },
      };
    }
    case 'COMPLETED':
      return {
        from: job.status,
        patch: {
          status: 'COMPLETED',
          started_at: job.started_at ?? at,
          completed_at: at,
          progress: { stage: 'done', percent: 100 },
          file: event.file ?? null,
          warnings: withWarnings(job.warnings, event.warnings),
          updated_at: at,
        },
      };
    case 'FAILED':
      return {
        from: job.status,
        patch: failure(event.error ?? { code: 'failed', message: 'The export failed.' }, at, job),
      };
  }
}

/** A job's warnings plus new ones, each code once. */
function withWarnings(had: readonly JobWarning[], added: readonly JobWarning[] = []): JobWarning[] {
  const codes = new Set(had.map((w) => w.code));
  return [...had, ...added.filter((w) => !codes.has(w.code))];
}

/** Warnings a request earns before any data is read: a range that ends after today. */
export function requestWarnings(params: Pick<ExportParams, 'until' | 'timezone'>, now: Date) {
  const today = todayIn(params.timezone, now);
  return params.until > today
    ? [
        {
          code: 'range_in_future' as const,
          message: `The range ends on ${params.until}, after today (${today} in ${params.timezone}); the days still to come have no data yet.`,
        },
      ]
    : [];
}

/** The patch that ends a job as FAILED with a readable error. */
export function failure(error: JobError, at: string, job?: Pick<Job, 'started_at'>): JobPatch {
  return {
    status: 'FAILED',
    error,
    completed_at: at,
    started_at: job?.started_at ?? null,
    updated_at: at,
  };
}

/** A job's file as clients see it (the API, webhooks): its name and facts, never its key. */
export function publicFile(job: Pick<Job, 'file' | 'params' | 'format'>) {
  return (
    job.file && {
      filename: exportFilename(job),
      bytes: job.file.bytes,
      rows: job.file.rows,
      sha256: job.file.sha256,
      content_type: job.file.content_type,
    }
  );
}

/** `wevion-cross-channel_2026-08-01_2026-10-29_EUR.csv` (see the shared `exportFilename`). */
export function exportFilename(job: Pick<Job, 'params' | 'format'>): string {
  return filenameOf({
    since: job.params.since,
    until: job.params.until,
    currency: job.params.target_currency,
    format: job.format,
    layout: csvLayoutOfParams(job.format, job.params),
  });
}
