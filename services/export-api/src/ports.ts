import type { ExportFormat, JobStatus, LogoType } from '@wevion/shared';
import type { Job, JobPatch } from './domain/job.ts';
import type { Schedule, SchedulePatch, ScheduleRun } from './domain/schedule.ts';
import type { DeliveryAttempt, Webhook, WebhookDelivery } from './domain/webhook.ts';
import type { Workspace } from './domain/workspace.ts';

export interface JobFilter {
  /** Created on or after this instant (ISO). */
  createdFrom?: string;
  /** Created before this instant (ISO). */
  createdBefore?: string;
  format?: ExportFormat;
  status?: JobStatus;
}

export interface JobPage {
  jobs: Job[];
  /** Opaque cursor for the next (older) page, `null` on the last page. */
  nextCursor: string | null;
}

/** `job_results`: embedded SQLite locally, MongoDB in production. */
export interface JobStore {
  /** Throws IdempotencyKeyTaken when the workspace has a job with the same idempotency key. */
  create(job: Job): Promise<void>;
  get(jobId: string): Promise<Job | null>;
  /** Newest first, keyset-paginated. */
  list(
    workspaceId: string,
    filter: JobFilter,
    page: { limit: number; cursor?: string },
  ): Promise<JobPage>;
  /** Applies `patch` only while the job is still in one of `from` (compare-and-set). */
  update(jobId: string, patch: JobPatch, from: readonly JobStatus[]): Promise<boolean>;
  /**
   * Inserts a new job unless its workspace already has `quota.limit` jobs created since
   * `quota.since` that did not fail. Check and insert are one atomic step, so concurrent
   * requests can never exceed the quota. `used` counts the quota's jobs after the call.
   * Throws IdempotencyKeyTaken, taking no quota, like `create`.
   */
  createWithinQuota(
    job: Job,
    quota: { since: string; limit: number },
  ): Promise<{ created: boolean; used: number }>;
  /** The workspace's job created with this idempotency key, if it still holds it. */
  findByIdempotencyKey(workspaceId: string, key: string): Promise<Job | null>;
  /** Frees a job's idempotency key (past its window) so a new request may use it. */
  releaseIdempotencyKey(jobId: string): Promise<void>;
  /** Jobs that ended since `since` (last update) and were not yet announced to webhooks. */
  findUnannounced(since: string, limit: number): Promise<Job[]>;
  /** Jobs of a workspace created since `since` that did not fail (the monthly quota). */
  countTowardsQuota(workspaceId: string, since: string): Promise<number>;
  /** PENDING jobs last enqueued before `before` and RUNNING jobs silent since `before`. */
  findStale(status: 'PENDING' | 'RUNNING', before: string, limit: number): Promise<Job[]>;
  countByStatus(): Promise<Record<JobStatus, number>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Schedules and their runs: beside the jobs (SQLite locally, MongoDB in production). */
export interface ScheduleStore {
  /** Inserts unless the workspace already has `max` schedules (one atomic step). */
  create(schedule: Schedule, max: number): Promise<boolean>;
  get(workspaceId: string, scheduleId: string): Promise<Schedule | null>;
  /** Newest first, keyset-paginated. */
  list(
    workspaceId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ schedules: Schedule[]; nextCursor: string | null }>;
  /** The ids of a workspace's active schedules, oldest first (a downgrade pauses the newest). */
  activeIds(workspaceId: string): Promise<string[]>;
  /**
   * Applies `patch`; with `expect`, only while the schedule's `next_run_at` is still that value
   * (compare-and-set). Resolves with the schedule after the change, or null when nothing changed.
   */
  update(
    workspaceId: string,
    scheduleId: string,
    patch: SchedulePatch,
    expect?: { next_run_at: string | null },
  ): Promise<Schedule | null>;
  /** Deletes the schedule and its run history (its jobs stay in the Reports list). */
  remove(workspaceId: string, scheduleId: string): Promise<boolean>;
  /** Active schedules whose next run is at or before `now`, the longest due first. */
  findDue(now: string, limit: number): Promise<Schedule[]>;
  /** Inserts a run unless the schedule already has one for its `scheduled_for` (false then). */
  addRun(run: ScheduleRun): Promise<boolean>;
  getRun(scheduleId: string, scheduledFor: string): Promise<ScheduleRun | null>;
  /** Records a `pending` run's outcome, once: false when it already had one. */
  recordRun(
    runId: string,
    outcome: Pick<ScheduleRun, 'outcome' | 'reason' | 'job_id'>,
  ): Promise<boolean>;
  /** A schedule's runs, the latest scheduled first. */
  runs(scheduleId: string, limit: number): Promise<ScheduleRun[]>;
  /** Runs still `pending` that were written before `before` (a crash between the run and its job). */
  findPendingRuns(before: string, limit: number): Promise<ScheduleRun[]>;
}

export interface WorkspaceStore {
  get(workspaceId: string): Promise<Workspace | null>;
  upsert(workspace: Workspace): Promise<void>;
}

/** Short-lived download links, signed at read time. */
export interface DownloadSigner {
  sign(
    key: string,
    filename: string,
    contentType: string,
  ): Promise<{ url: string; expiresAt: string }>;
}

/** Turns an uploaded logo into a freshly encoded PNG of its pixels (nothing else survives). */
export interface LogoRasterizer {
  /** Throws a ValidationError naming `logo` when the bytes do not decode. */
  toPng(bytes: Buffer, type: LogoType): Promise<Buffer>;
}

/** Finished files in the bucket. */
export interface ExportFiles {
  /** Removes a file no job points at (a duplicate render's). */
  remove(key: string): Promise<void>;
}

/** Hands a job to report-builder (EXPORT_UNIFIED_REPORT). */
export interface ExportQueue {
  enqueue(job: Job, workspace: Workspace): Promise<void>;
}

/** Tells the workers a job was cancelled, so they stop before their next expensive step. */
export interface Cancellations {
  mark(jobId: string, at: Date): Promise<void>;
}

/** Webhook endpoints and their deliveries: stored, so deliveries survive a restart. */
export interface WebhookStore {
  /** Inserts unless the workspace already has `max` endpoints (one atomic step). */
  create(webhook: Webhook, max: number): Promise<boolean>;
  list(workspaceId: string): Promise<Webhook[]>;
  get(workspaceId: string, webhookId: string): Promise<Webhook | null>;
  /** Deletes the endpoint and its pending deliveries. */
  remove(workspaceId: string, webhookId: string): Promise<boolean>;
  setSecret(workspaceId: string, webhookId: string, secret: string): Promise<boolean>;
  /** Stores deliveries; one per endpoint and event, so a duplicate is ignored. */
  addDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void>;
  /**
   * Claims up to `limit` pending deliveries due by `now`, oldest first, at most one per endpoint
   * and none of `busyWebhooks`, by moving their next attempt to `leaseUntil` in one atomic step:
   * no other round or process takes them until the lease runs out (a crash mid-attempt).
   */
  claimDue(
    now: string,
    leaseUntil: string,
    limit: number,
    busyWebhooks: readonly string[],
  ): Promise<WebhookDelivery[]>;
  /** Records one attempt and the delivery's new state. */
  recordAttempt(
    deliveryId: string,
    attempt: DeliveryAttempt,
    next: { state: WebhookDelivery['state']; next_attempt_at: string | null },
  ): Promise<void>;
  /** The endpoint's latest deliveries, newest first. */
  deliveries(workspaceId: string, webhookId: string, limit: number): Promise<WebhookDelivery[]>;
}

/** Sends one signed delivery; resolves with the receiver's status (throws when unreachable). */
export interface WebhookSender {
  send(url: string, body: string, headers: Record<string, string>): Promise<number>;
  /** Throws a ValidationError naming `url` when the target is not allowed. */
  checkTarget(url: string): Promise<void>;
}

/** Workspace logos in the bucket, under their content-named keys. */
export interface LogoStore {
  put(key: string, png: Buffer): Promise<void>;
}

/**
 * A queue's messages, each handed to `handle`: deleted only when it resolves, redriven to the
 * dead-letter queue when it keeps failing. `stop` finishes the messages in hand.
 */
export interface MessageSource {
  start(handle: (body: string | undefined) => Promise<void>): void;
  stop(): Promise<void>;
}

/** Where export-api's messages come from: the workers' job events and three dead-letter queues. */
export interface ExportApiInboxes {
  jobEvents: MessageSource;
  jobEventsDeadLetters: MessageSource;
  exportJobsDeadLetters: MessageSource;
  renderJobsDeadLetters: MessageSource;
}

/** Named checks `/readyz` runs: each resolves when what it names is reachable. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;
