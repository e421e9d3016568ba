import type {
  ExportFormat,
  Granularity,
  JobError,
  JobEventMessage,
  JobFile,
  JobProgress,
  JobStatus,
  Platform,
} from '@wevion/shared';

/** What the user asked for, as validated at the API. */
export interface ExportParams {
  since: string;
  until: string;
  platforms: Platform[];
  target_currency: string;
  timezone: string;
  granularity: Granularity;
  compare_previous: boolean;
  csv_bom: boolean;
}

/** A row of `job_results`. Timestamps are ISO strings (UTC). */
export interface Job {
  job_id: string;
  workspace_id: string;
  requested_by: string;
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
}

export type JobPatch = Partial<Omit<Job, 'job_id' | 'workspace_id' | 'created_at'>>;

const TERMINAL: readonly JobStatus[] = ['COMPLETED', 'FAILED'];

function isTerminal(status: JobStatus): boolean {
  return TERMINAL.includes(status);
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
      if (
        job.status === 'RUNNING' &&
        (job.progress?.percent ?? 0) >= (event.progress?.percent ?? 0)
      ) {
        return null;
      }
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

/** `wevion-cross-channel_2026-08-01_2026-10-29.csv` */
export function exportFilename(job: Pick<Job, 'params' | 'format'>): string {
  return `wevion-cross-channel_${job.params.since}_${job.params.until}.${job.format.toLowerCase()}`;
}
