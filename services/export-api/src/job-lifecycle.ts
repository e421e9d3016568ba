import {
  isExportFileOf,
  jobIdOf,
  type JobEventMessage,
  type JobFile,
  type JobStatus,
  type Logger,
} from '@wevion/shared';
import { applyEvent, failure, type Job, type JobPatch } from './domain/job.ts';
import type { Workspace } from './domain/workspace.ts';
import type { ExportFiles, ExportQueue, JobStore, WorkspaceStore } from './ports.ts';

export interface JobLifecycleOptions {
  /** A PENDING job not picked up within this many seconds is sent again. */
  pendingGraceSeconds: number;
  /** Sends before a PENDING job is given up as FAILED. */
  maxEnqueueAttempts: number;
  /** A RUNNING job silent for this long is ended FAILED (timeout). */
  runningTimeoutSeconds: number;
}

export interface JobLifecycleDeps {
  jobs: JobStore;
  workspaces: WorkspaceStore;
  queue: ExportQueue;
  files: ExportFiles;
  /** Told of every job this lifecycle ends (COMPLETED or FAILED): the webhooks' outbox. */
  onJobEnded: (jobId: string) => Promise<void>;
  logger: Logger;
  clock?: () => Date;
}

/** Reads and compare-and-sets an event may take before it is left for SQS to redeliver. */
const EVENT_APPLY_ATTEMPTS = 5;

/**
 * Keeps every job moving to an end: sends it to report-builder, applies the workers' events
 * (forward only), fails the jobs whose messages were dead-lettered, re-sends lost ones and
 * times out silent ones. A job's file is the first one it completed with; any other file a
 * duplicate render wrote for it is removed.
 */
export class JobLifecycle {
  private readonly now: () => Date;

  constructor(
    private readonly options: JobLifecycleOptions,
    private readonly deps: JobLifecycleDeps,
  ) {
    this.now = deps.clock ?? (() => new Date());
  }

  /**
   * Moves a job by compare-and-set (only while it is in one of `from`). Every way a job ends
   * (an event, a dead letter, the reconciler, a cancel) comes through here, so each end is
   * announced once it is stored; a failing announcement is logged, and the reconciler's
   * `announceMissed` picks it up later.
   */
  async transition(jobId: string, patch: JobPatch, from: readonly JobStatus[]): Promise<boolean> {
    const applied = await this.deps.jobs.update(jobId, patch, from);
    if (applied && (patch.status === 'COMPLETED' || patch.status === 'FAILED')) {
      await this.deps
        .onJobEnded(jobId)
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error, job_id: jobId }, 'job end not announced'),
        );
    }
    return applied;
  }

  /** Counts the attempt, then sends; a failed send is left to the reconciler. */
  async enqueue(job: Job, workspace: Workspace): Promise<void> {
    const at = this.now().toISOString();
    await this.deps.jobs.update(
      job.job_id,
      { enqueue_attempts: job.enqueue_attempts + 1, last_enqueued_at: at },
      ['PENDING'],
    );
    try {
      await this.deps.queue.enqueue(job, workspace);
    } catch (error) {
      this.deps.logger.error(
        { err: error, job_id: job.job_id },
        'enqueue failed; the reconciler will retry',
      );
    }
  }

  /**
   * Applies a worker's event as a compare-and-set on the job's status. Events of one job can be
   * handled side by side (a batch after an outage brings RUNNING and COMPLETED together): when
   * another event moved the job between the read and the write, the job is read again and the
   * event applied to what it is now, so a COMPLETED is never mistaken for a late duplicate.
   */
  async handleJobEvent(event: JobEventMessage): Promise<void> {
    const log = this.deps.logger.child({ job_id: event.job_id });
    for (let attempt = 1; attempt <= EVENT_APPLY_ATTEMPTS; attempt++) {
      const job = await this.deps.jobs.get(event.job_id);
      if (!job || job.workspace_id !== event.workspace_id) {
        log.warn(
          { status: event.status, workspace_id: event.workspace_id },
          job ? 'event names another workspace; ignored' : 'event for an unknown job ignored',
        );
        return;
      }
      const change = applyEvent(job, event);
      if (!change) {
        log.debug({ status: event.status, current: job.status }, 'duplicate or late event ignored');
        // A COMPLETED the job did not take: its file must not stay downloadable.
        if (event.file) await this.removeUnrecorded(job, event.file);
        return;
      }
      if (await this.transition(job.job_id, change.patch, [change.from])) {
        log.info({ status: change.patch.status, progress: change.patch.progress }, 'job event');
        return;
      }
    }
    // Still losing the race: SQS brings the event back later.
    throw new Error(`job ${event.job_id} kept changing while its ${event.status} event applied`);
  }

  /** A file the job does not point at (a duplicate or late render) must not stay downloadable. */
  private async removeUnrecorded(job: Job, file: JobFile): Promise<void> {
    // Read again: another event may have completed the job since `job` was read.
    const recorded = (await this.deps.jobs.get(job.job_id))?.file?.key;
    if (recorded === file.key || !isExportFileOf(file.key, job.workspace_id, job.job_id)) return;
    await this.deps.files.remove(file.key);
    this.deps.logger.info(
      { job_id: job.job_id, key: file.key, recorded },
      'duplicate render removed; the job keeps its first file',
    );
  }

  /** A message its consumer gave up on: the job it belongs to ends FAILED with a readable error. */
  async failFromDeadLetter(body: string | undefined, source: string): Promise<void> {
    const jobId = jobIdOf(body);
    const ended = jobId
      ? await this.transition(
          jobId,
          failure(
            {
              code: 'processing_failed',
              message: `The export could not be processed (${source} gave up after repeated attempts). Please try again; if it keeps failing, reduce the date range or contact support.`,
            },
            this.now().toISOString(),
          ),
          ['PENDING', 'RUNNING'],
        )
      : false;
    this.deps.logger.warn(
      {
        job_id: jobId,
        source,
        ended,
        // The message itself is gone once handled: its start stays in the log for inspection.
        body: (body ?? '').slice(0, 500),
        ...(jobId ? {} : { reason: 'the message names no job' }),
      },
      'dead letter handled',
    );
  }

  /** Re-sends lost PENDING jobs and times out silent RUNNING ones: every job reaches an end. */
  async reconcile(): Promise<{ resent: number; failed: number }> {
    const now = this.now();
    const before = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
    const fail = async (job: Job, code: string, message: string) =>
      this.transition(job.job_id, failure({ code, message }, now.toISOString(), job), [job.status]);
    let resent = 0;
    let failed = 0;
    const pending = await this.deps.jobs.findStale(
      'PENDING',
      before(this.options.pendingGraceSeconds),
      100,
    );
    for (const job of pending) {
      const workspace = await this.deps.workspaces.get(job.workspace_id);
      if (!workspace) {
        if (
          await fail(job, 'workspace_not_found', 'The workspace of this export no longer exists.')
        )
          failed++;
      } else if (job.enqueue_attempts >= this.options.maxEnqueueAttempts) {
        if (await fail(job, 'not_started', 'The export could not be started; please try again.'))
          failed++;
      } else {
        await this.enqueue(job, workspace);
        resent++;
      }
    }
    const minutes = Math.round(this.options.runningTimeoutSeconds / 60);
    const running = await this.deps.jobs.findStale(
      'RUNNING',
      before(this.options.runningTimeoutSeconds),
      100,
    );
    for (const job of running) {
      const message = `The export made no progress for ${minutes} minutes and was stopped. Try a shorter date range or fewer platforms.`;
      if (await fail(job, 'timeout', message)) failed++;
    }
    return { resent, failed };
  }
}
