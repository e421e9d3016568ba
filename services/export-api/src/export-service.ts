import {
  AppError,
  jobIdOf,
  type ExportFormat,
  type JobEventMessage,
  type JobStatus,
  type Logger,
} from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import { applyEvent, exportFilename, failure, type ExportParams, type Job } from './domain/job.ts';
import { canExport, type User } from './domain/user.ts';
import {
  crossChannelEnabled,
  hasActiveSubscription,
  monthStart,
  PLANS,
  type Workspace,
} from './domain/workspace.ts';
import type { DownloadSigner, ExportQueue, JobFilter, JobStore, WorkspaceStore } from './ports.ts';

export interface ExportServiceOptions {
  crossChannelEnabled: boolean;
  /** A PENDING job not picked up within this many seconds is sent again. */
  pendingGraceSeconds: number;
  /** Sends before a PENDING job is given up as FAILED. */
  maxEnqueueAttempts: number;
  /** A RUNNING job silent for this long is ended FAILED (timeout). */
  runningTimeoutSeconds: number;
}

export interface ExportServiceDeps {
  jobs: JobStore;
  workspaces: WorkspaceStore;
  queue: ExportQueue;
  signer: DownloadSigner;
  logger: Logger;
  clock?: () => Date;
}

/** A job as the API shows it: no storage keys, a fresh download link when it is ready. */
export interface JobView {
  job_id: string;
  status: JobStatus;
  format: ExportFormat;
  params: ExportParams;
  progress: Job['progress'];
  file: {
    filename: string;
    bytes: number;
    rows: number;
    sha256: string;
    content_type: string;
  } | null;
  error: Job['error'];
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  download_url?: string;
  expires_at?: string;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  PDF: 'application/pdf',
};

/** Gate errors carry a `reason` the UI can act on (a banner, a link to billing). */
export class GateError extends AppError {
  constructor(
    readonly reason: string,
    message: string,
    status = 403,
  ) {
    super(reason, message, { status, expose: true });
  }
}

/** The export-api use cases: request, read, list, and keeping every job moving to an end. */
export class ExportService {
  private readonly now: () => Date;

  constructor(
    private readonly options: ExportServiceOptions,
    private readonly deps: ExportServiceDeps,
  ) {
    this.now = deps.clock ?? (() => new Date());
  }

  /** The workspace of a signed-in user, with the gates every export endpoint shares. */
  async workspaceFor(user: User): Promise<Workspace> {
    const workspace = await this.deps.workspaces.get(user.workspace_id);
    if (!workspace)
      throw new AppError('workspace_not_found', 'Your workspace does not exist.', { status: 404 });
    if (!crossChannelEnabled(workspace, this.options.crossChannelEnabled)) {
      throw new AppError('cross_channel_disabled', 'Cross-channel analytics are disabled', {
        status: 404,
      });
    }
    return workspace;
  }

  /** Gates of a new export, in the order users meet them: feature, role, subscription. */
  async authorizeExport(user: User): Promise<Workspace> {
    const workspace = await this.workspaceFor(user);
    if (!canExport(user)) {
      throw new GateError(
        'insufficient_role',
        'Viewers cannot export; ask an admin or media buyer.',
      );
    }
    if (!hasActiveSubscription(workspace)) {
      throw new GateError(
        'subscription_required',
        'Exports need an active subscription. Check your plan at /settings/team/billing.',
      );
    }
    return workspace;
  }

  /** Checks the monthly quota, stores the job PENDING and hands it to report-builder. */
  async requestExport(
    user: User,
    workspace: Workspace,
    format: ExportFormat,
    params: ExportParams,
  ): Promise<Job> {
    const plan = PLANS[workspace.plan];
    const now = this.now();
    if (plan.exports_per_month !== null) {
      const used = await this.deps.jobs.countTowardsQuota(workspace.workspace_id, monthStart(now));
      if (used >= plan.exports_per_month) {
        throw new GateError(
          'export_quota_exceeded',
          `Your ${plan.label} plan includes ${plan.exports_per_month} exports a month and all ${used} are used (failed exports do not count). It renews on the 1st; upgrade at /settings/team/billing.`,
          429,
        );
      }
    }
    const at = now.toISOString();
    const job: Job = {
      job_id: randomUUID(),
      workspace_id: workspace.workspace_id,
      requested_by: user.user_id,
      status: 'PENDING',
      format,
      params,
      progress: { stage: 'queued', percent: 0 },
      file: null,
      error: null,
      created_at: at,
      started_at: null,
      completed_at: null,
      updated_at: at,
      enqueue_attempts: 0,
      last_enqueued_at: null,
    };
    await this.deps.jobs.create(job);
    await this.enqueue(job, workspace);
    return job;
  }

  /** Another workspace's job is "not found", never "forbidden": ids are not confirmed to exist. */
  async getJob(user: User, jobId: string): Promise<JobView> {
    await this.workspaceFor(user);
    const job = await this.deps.jobs.get(jobId);
    if (!job || job.workspace_id !== user.workspace_id) {
      throw new AppError('job_not_found', `No export job ${jobId} in your workspace.`, {
        status: 404,
      });
    }
    return this.view(job, true);
  }

  async listJobs(user: User, filter: JobFilter, page: { limit: number; cursor?: string }) {
    await this.workspaceFor(user);
    const { jobs, nextCursor } = await this.deps.jobs.list(user.workspace_id, filter, page);
    return {
      jobs: await Promise.all(jobs.map((job) => this.view(job, false))),
      next_cursor: nextCursor,
    };
  }

  async handleJobEvent(event: JobEventMessage): Promise<void> {
    const log = this.deps.logger.child({ job_id: event.job_id });
    const job = await this.deps.jobs.get(event.job_id);
    if (!job) {
      log.warn({ status: event.status }, 'event for an unknown job ignored');
      return;
    }
    const change = applyEvent(job, event);
    if (!change) {
      log.debug({ status: event.status, current: job.status }, 'duplicate or late event ignored');
      return;
    }
    const applied = await this.deps.jobs.update(job.job_id, change.patch, [change.from]);
    log.info(
      { status: change.patch.status, progress: change.patch.progress, applied },
      'job event',
    );
  }

  /** A message its consumer gave up on: the job it belongs to ends FAILED with a readable error. */
  async failFromDeadLetter(body: string | undefined, source: string): Promise<void> {
    const jobId = jobIdOf(body);
    if (!jobId) {
      this.deps.logger.error({ source }, 'dead letter without a job id dropped');
      return;
    }
    const ended = await this.deps.jobs.update(
      jobId,
      failure(
        {
          code: 'processing_failed',
          message: `The export could not be processed (${source} gave up after repeated attempts). Please try again; if it keeps failing, reduce the date range or contact support.`,
        },
        this.now().toISOString(),
      ),
      ['PENDING', 'RUNNING'],
    );
    this.deps.logger.warn({ job_id: jobId, source, ended }, 'dead letter handled');
  }

  /** Re-sends lost PENDING jobs and times out silent RUNNING ones: every job reaches an end. */
  async reconcile(): Promise<{ resent: number; failed: number }> {
    const now = this.now();
    const before = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
    let resent = 0;
    let failed = 0;
    for (const job of await this.deps.jobs.findStale(
      'PENDING',
      before(this.options.pendingGraceSeconds),
      100,
    )) {
      if (job.enqueue_attempts >= this.options.maxEnqueueAttempts) {
        await this.deps.jobs.update(
          job.job_id,
          failure(
            { code: 'not_started', message: 'The export could not be started; please try again.' },
            now.toISOString(),
          ),
          ['PENDING'],
        );
        failed++;
        continue;
      }
      const workspace = await this.deps.workspaces.get(job.workspace_id);
      if (workspace) {
        await this.enqueue(job, workspace);
        resent++;
      }
    }
    for (const job of await this.deps.jobs.findStale(
      'RUNNING',
      before(this.options.runningTimeoutSeconds),
      100,
    )) {
      const minutes = Math.round(this.options.runningTimeoutSeconds / 60);
      const ended = await this.deps.jobs.update(
        job.job_id,
        failure(
          {
            code: 'timeout',
            message: `The export made no progress for ${minutes} minutes and was stopped. Try a shorter date range or fewer platforms.`,
          },
          now.toISOString(),
          job,
        ),
        ['RUNNING'],
      );
      if (ended) failed++;
    }
    return { resent, failed };
  }

  private async enqueue(job: Job, workspace: Workspace): Promise<void> {
    const at = this.now().toISOString();
    await this.deps.jobs.update(
      job.job_id,
      { enqueue_attempts: job.enqueue_attempts + 1, last_enqueued_at: at },
      ['PENDING'],
    );
    try {
      await this.deps.queue.enqueue(job, workspace);
    } catch (error) {
      // The job is stored; the reconciler sends it again after the grace period.
      this.deps.logger.error(
        { err: error, job_id: job.job_id },
        'enqueue failed; the reconciler will retry',
      );
    }
  }

  private async view(job: Job, withDownload: boolean): Promise<JobView> {
    const view: JobView = {
      job_id: job.job_id,
      status: job.status,
      format: job.format,
      params: job.params,
      progress: job.progress,
      file: job.file && {
        filename: exportFilename(job),
        bytes: job.file.bytes,
        rows: job.file.rows,
        sha256: job.file.sha256,
        content_type: job.file.content_type,
      },
      error: job.error,
      created_at: job.created_at,
      started_at: job.started_at,
      completed_at: job.completed_at,
    };
    if (withDownload && job.status === 'COMPLETED' && job.file) {
      const { url, expiresAt } = await this.deps.signer.sign(
        job.file.key,
        exportFilename(job),
        CONTENT_TYPES[job.format],
      );
      view.download_url = url;
      view.expires_at = expiresAt;
    }
    return view;
  }
}
