import {
  AppError,
  EXPORT_FORMAT_SPECS,
  type ExportFormat,
  type JobView,
  type JobWarning,
} from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import {
  exportFilename,
  IDEMPOTENCY_WINDOW_MS,
  IdempotencyKeyTaken,
  publicFile,
  requestWarnings,
  type ExportParams,
  type Job,
} from './domain/job.ts';
import { canExport, type User } from './domain/user.ts';
import { monthStart, PLANS, type Workspace } from './domain/workspace.ts';
import {
  exportBlocker,
  quotaOf,
  workspaceView,
  type Quota,
  type WorkspaceView,
} from './domain/workspace-view.ts';
import { GateError } from './gate-error.ts';
import type { JobLifecycle } from './job-lifecycle.ts';
import { JobFinishedError } from './job-finished-error.ts';
import type { Cancellations, DownloadSigner, JobFilter, JobStore } from './ports.ts';
import type { WorkspaceAccess } from './workspace-access.ts';

export interface ExportRequestsDeps {
  jobs: JobStore;
  access: Pick<WorkspaceAccess, 'crossChannel'>;
  lifecycle: Pick<JobLifecycle, 'enqueue' | 'transition'>;
  signer: DownloadSigner;
  cancellations: Cancellations;
  clock?: () => Date;
}

export type { JobView };

/** The schedule a run's job comes from, recorded on the job, and what its range warns of. */
export interface ScheduleOrigin {
  schedule_id: string;
  schedule_name: string;
  warnings: JobWarning[];
}

/** What a signed-in user asks of export-api: start an export, read one, list them. */
export class ExportRequests {
  private readonly now: () => Date;

  constructor(
    private readonly options: { currencies: readonly string[] },
    private readonly deps: ExportRequestsDeps,
  ) {
    this.now = deps.clock ?? (() => new Date());
  }

  /** The workspace of a signed-in user, with the gates every export endpoint shares. */
  workspaceFor(user: User): Promise<Workspace> {
    return this.deps.access.crossChannel(user);
  }

  /** Gates of a new export past the feature gate, in the order users meet them: role, subscription. */
  authorizeExport(user: User, workspace: Workspace): void {
    const blocker = exportBlocker(user, workspace);
    if (blocker) throw new GateError(blocker.reason, blocker.message);
  }

  /** The workspace's monthly quota as it stands now. */
  async quota(workspace: Workspace): Promise<Quota> {
    const now = this.now();
    const used = await this.deps.jobs.countTowardsQuota(workspace.workspace_id, monthStart(now));
    return quotaOf(workspace, used, now);
  }

  /** The caller's workspace, plan, quota use and whether they may export (and why not). */
  async describeWorkspace(user: User): Promise<WorkspaceView> {
    const workspace = await this.workspaceFor(user);
    const now = this.now();
    const used = await this.deps.jobs.countTowardsQuota(workspace.workspace_id, monthStart(now));
    return workspaceView(workspace, user, used, now, this.options.currencies);
  }

  /**
   * Stores the job PENDING within the monthly quota (one atomic step) and sends it on. With an
   * idempotency key, a request already made with it in the last 24 hours gets that job back
   * (`replayed`), taking no quota; the same key with another request is a 422. `quota` is where
   * the quota stood right after this job took its slot (of racing requests, each its own),
   * when the plan has a limit and a job was created.
   */
  async requestExport(
    user: User,
    workspace: Workspace,
    format: ExportFormat,
    params: ExportParams,
    idempotency?: { key: string; requestHash: string },
    schedule?: ScheduleOrigin,
  ): Promise<{ job: Job; replayed: boolean; quota?: Quota }> {
    if (idempotency) {
      const earlier = await this.earlierRequest(workspace, idempotency);
      if (earlier) return { job: earlier, replayed: true };
    }
    try {
      const { job, used } = await this.createJob(user, workspace, format, params, {
        idempotency,
        schedule,
      });
      return {
        job,
        replayed: false,
        ...(used === null ? {} : { quota: quotaOf(workspace, used, this.now()) }),
      };
    } catch (error) {
      // A concurrent request with the key won the insert: its job is this request's answer.
      if (!(error instanceof IdempotencyKeyTaken) || !idempotency) throw error;
      const earlier = await this.earlierRequest(workspace, idempotency);
      if (!earlier) throw error;
      return { job: earlier, replayed: true };
    }
  }

  private async earlierRequest(
    workspace: Workspace,
    idempotency: { key: string; requestHash: string },
  ): Promise<Job | null> {
    const job = await this.deps.jobs.findByIdempotencyKey(workspace.workspace_id, idempotency.key);
    if (!job) return null;
    if (Date.parse(job.created_at) < this.now().getTime() - IDEMPOTENCY_WINDOW_MS) {
      await this.deps.jobs.releaseIdempotencyKey(job.job_id);
      return null;
    }
    if (job.request_hash !== idempotency.requestHash) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was sent with a different request in the last 24 hours. Send a new key for a new export, or the same request to get its job back.',
        { status: 422, field: 'Idempotency-Key' },
      );
    }
    return job;
  }

  private async createJob(
    user: User,
    workspace: Workspace,
    format: ExportFormat,
    params: ExportParams,
    origin: {
      idempotency: { key: string; requestHash: string } | undefined;
      schedule: ScheduleOrigin | undefined;
    },
  ): Promise<{ job: Job; used: number | null }> {
    const { idempotency, schedule } = origin;
    const plan = PLANS[workspace.plan];
    const now = this.now();
    const at = now.toISOString();
    const job: Job = {
      job_id: randomUUID(),
      workspace_id: workspace.workspace_id,
      requested_by: user.user_id,
      ...(user.name ? { requested_by_name: user.name } : {}),
      ...(schedule
        ? { schedule_id: schedule.schedule_id, schedule_name: schedule.schedule_name }
        : {}),
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
      warnings: [...(schedule?.warnings ?? []), ...requestWarnings(params, now)],
      ...(idempotency
        ? { idempotency_key: idempotency.key, request_hash: idempotency.requestHash }
        : {}),
    };
    let usedAfter: number | null = null;
    if (plan.exports_per_month === null) {
      await this.deps.jobs.create(job);
    } else {
      const { created, used } = await this.deps.jobs.createWithinQuota(job, {
        since: monthStart(now),
        limit: plan.exports_per_month,
      });
      if (!created) {
        throw new GateError(
          'export_quota_exceeded',
          `Your ${plan.label} plan includes ${plan.exports_per_month} exports a month and all ${used} are used (failed exports do not count). It renews on the 1st; upgrade at /settings/team/billing.`,
          429,
        );
      }
      usedAfter = used;
    }
    await this.deps.lifecycle.enqueue(job, workspace);
    return { job, used: usedAfter };
  }

  async getJob(user: User, jobId: string): Promise<JobView> {
    await this.workspaceFor(user);
    return this.view(await this.ownJob(user, jobId), true);
  }

  /**
   * Ends a PENDING or RUNNING job FAILED with `cancelled` (the four statuses stay the contract).
   * The workers are told first, through the marker they check before each expensive step; a
   * cancelled job, failed, takes no quota. A finished job is a 409 naming its status.
   */
  async cancelJob(user: User, jobId: string): Promise<JobView> {
    await this.workspaceFor(user);
    if (!canExport(user))
      throw new GateError(
        'insufficient_role',
        'Viewers cannot cancel exports; ask an admin or media buyer.',
      );
    const job = await this.ownJob(user, jobId);
    if (job.status === 'COMPLETED' || job.status === 'FAILED')
      throw new JobFinishedError(jobId, job.status);
    const now = this.now();
    await this.deps.cancellations.mark(jobId, now);
    const at = now.toISOString();
    const ended = await this.deps.lifecycle.transition(
      jobId,
      {
        status: 'FAILED',
        error: { code: 'cancelled', message: `Cancelled by ${user.user_id} at ${at}.` },
        completed_at: at,
        updated_at: at,
      },
      ['PENDING', 'RUNNING'],
    );
    const current = (await this.deps.jobs.get(jobId))!;
    // It finished between the read and the update: the file stands, the cancel does not.
    if (!ended) throw new JobFinishedError(jobId, current.status);
    return this.view(current, false);
  }

  /** Another workspace's job is "not found", never "forbidden": ids are not confirmed to exist. */
  private async ownJob(user: User, jobId: string): Promise<Job> {
    const job = await this.deps.jobs.get(jobId);
    if (!job || job.workspace_id !== user.workspace_id) {
      throw new AppError('job_not_found', `No export job ${jobId} in your workspace.`, {
        status: 404,
      });
    }
    return job;
  }

  async listJobs(user: User, filter: JobFilter, page: { limit: number; cursor?: string }) {
    await this.workspaceFor(user);
    const { jobs, nextCursor } = await this.deps.jobs.list(user.workspace_id, filter, page);
    return {
      jobs: await Promise.all(jobs.map((job) => this.view(job, false))),
      next_cursor: nextCursor,
    };
  }

  private async view(job: Job, withDownload: boolean): Promise<JobView> {
    const view: JobView = {
      job_id: job.job_id,
      status: job.status,
      format: job.format,
      requested_by: job.requested_by,
      ...(job.requested_by_name ? { requested_by_name: job.requested_by_name } : {}),
      ...(job.schedule_id
        ? { schedule_id: job.schedule_id, schedule_name: job.schedule_name! }
        : {}),
      params: job.params,
      progress: job.progress,
      file: publicFile(job),
      error: job.error,
      warnings: job.warnings,
      created_at: job.created_at,
      started_at: job.started_at,
      completed_at: job.completed_at,
    };
    if (withDownload && job.status === 'COMPLETED' && job.file) {
      // Exactly the key the job recorded: the file it completed with, never a later one.
      const { url, expiresAt } = await this.deps.signer.sign(
        job.file.key,
        exportFilename(job),
        EXPORT_FORMAT_SPECS[job.format].contentType,
      );
      view.download_url = url;
      view.expires_at = expiresAt;
    }
    return view;
  }
}
