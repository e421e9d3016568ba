import { EXPORT_FORMATS, JOB_STATUSES, type JobStatus } from '@wevion/shared';
import mongoose, { Schema, type Connection } from 'mongoose';
import { IdempotencyKeyTaken, type Job, type JobPatch } from '../domain/job.ts';
import type { Workspace } from '../domain/workspace.ts';
import type { JobFilter, JobPage, JobStore, WorkspaceStore } from '../ports.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { MongoScheduleStore } from './mongo-schedule-store.ts';
import { MongoWebhookStore } from './mongo-webhook-store.ts';

const jobSchema = new Schema(
  {
    _id: String,
    workspace_id: { type: String, required: true },
    requested_by: String,
    requested_by_name: String,
    schedule_id: String,
    schedule_name: String,
    status: { type: String, enum: JOB_STATUSES, required: true },
    format: { type: String, enum: EXPORT_FORMATS, required: true },
    params: Schema.Types.Mixed,
    progress: Schema.Types.Mixed,
    file: Schema.Types.Mixed,
    error: Schema.Types.Mixed,
    created_at: { type: String, required: true },
    started_at: String,
    completed_at: String,
    updated_at: String,
    enqueue_attempts: Number,
    last_enqueued_at: String,
    warnings: Schema.Types.Mixed,
    idempotency_key: String,
    request_hash: String,
    announced_at: String,
  },
  { collection: 'job_results', versionKey: false, minimize: false },
);
jobSchema.index({ workspace_id: 1, created_at: -1, _id: -1 });
jobSchema.index({ status: 1, updated_at: 1 });
jobSchema.index(
  { updated_at: 1 },
  { partialFilterExpression: { status: { $in: ['COMPLETED', 'FAILED'] }, announced_at: null } },
);
// One key, one job per workspace, enforced by the index under any race (jobs without a key
// are outside it).
jobSchema.index(
  { workspace_id: 1, idempotency_key: 1 },
  { unique: true, partialFilterExpression: { idempotency_key: { $type: 'string' } } },
);

/** A duplicate-key refusal of the idempotency index, as the port names it. */
function idempotencyConflict(error: unknown): unknown {
  const { code, keyPattern } = error as { code?: number; keyPattern?: Record<string, unknown> };
  return code === 11000 && keyPattern && 'idempotency_key' in keyPattern
    ? new IdempotencyKeyTaken()
    : error;
}

/**
 * One counter per workspace and quota window: MongoDB has no multi-document check-then-insert
 * without a replica-set transaction, so the quota is a conditional `$inc` on this document.
 */
const quotaSchema = new Schema(
  { _id: String, used: { type: Number, required: true } },
  { collection: 'export_quotas', versionKey: false },
);

const workspaceSchema = new Schema(
  { _id: String, document: Schema.Types.Mixed },
  { collection: 'workspaces', versionKey: false },
);

type JobDocument = Omit<Job, 'job_id'> & { _id: string };
// Jobs stored before warnings existed read as having none.
const toJob = ({ _id, ...rest }: JobDocument): Job =>
  ({ job_id: _id, ...rest, warnings: rest.warnings ?? [] }) as Job;

/** Opens one MongoDB connection for the stores (production). */
export async function connectMongoStores(uri: string): Promise<{
  jobs: MongoJobStore;
  workspaces: MongoWorkspaceStore;
  webhooks: MongoWebhookStore;
  schedules: MongoScheduleStore;
}> {
  const connection = await mongoose.createConnection(uri).asPromise();
  const jobs = new MongoJobStore(connection);
  const webhooks = new MongoWebhookStore(connection);
  const schedules = new MongoScheduleStore(connection);
  await Promise.all([jobs.syncIndexes(), webhooks.syncIndexes(), schedules.syncIndexes()]);
  return { jobs, workspaces: new MongoWorkspaceStore(connection), webhooks, schedules };
}

/** job_results in MongoDB. Status changes are conditional updates, so racing events cannot regress a job. */
export class MongoJobStore implements JobStore {
  private readonly jobs;
  private readonly quotas;

  constructor(private readonly connection: Connection) {
    this.jobs = connection.model('JobResult', jobSchema);
    this.quotas = connection.model('ExportQuota', quotaSchema);
  }

  async syncIndexes(): Promise<void> {
    await this.jobs.syncIndexes();
  }

  async create(job: Job): Promise<void> {
    const { job_id, ...rest } = job;
    try {
      await this.jobs.create({ _id: job_id, ...rest });
    } catch (error) {
      throw idempotencyConflict(error);
    }
  }

  async findByIdempotencyKey(workspaceId: string, key: string): Promise<Job | null> {
    const doc = await this.jobs
      .findOne({ workspace_id: workspaceId, idempotency_key: key })
      .lean<JobDocument>();
    return doc ? toJob(doc) : null;
  }

  async releaseIdempotencyKey(jobId: string): Promise<void> {
    await this.jobs.updateOne({ _id: jobId }, { $unset: { idempotency_key: 1 } });
  }

  /**
   * Takes a slot with one atomic conditional increment, then inserts the job, giving the slot
   * back if that fails. Usually two round trips. Only the window's first request (no counter
   * yet) counts the jobs already stored to start the counter, then tries the increment again.
   */
  async createWithinQuota(job: Job, quota: { since: string; limit: number }) {
    const key = `${job.workspace_id}|${quota.since}`;
    const takeSlot = () =>
      this.quotas
        .findOneAndUpdate(
          { _id: key, used: { $lt: quota.limit } },
          { $inc: { used: 1 } },
          { returnDocument: 'after' },
        )
        .lean<{ used: number }>();
    let counter = await takeSlot();
    if (!counter) {
      const existing = await this.countTowardsQuota(job.workspace_id, quota.since);
      // $setOnInsert: of two first requests racing, one starts the counter, neither resets it.
      await this.quotas.updateOne(
        { _id: key },
        { $setOnInsert: { used: existing } },
        { upsert: true },
      );
      counter = await takeSlot();
    }
    if (!counter) {
      const full = await this.quotas.findById(key).lean<{ used: number }>();
      return { created: false, used: full?.used ?? quota.limit };
    }
    try {
      await this.create(job);
    } catch (error) {
      await this.quotas.updateOne({ _id: key }, { $inc: { used: -1 } });
      throw error;
    }
    return { created: true, used: counter.used };
  }

  /** A job that fails gives its quota slot back (failed exports do not count). */
  private async releaseQuotaSlot(job: Pick<Job, 'workspace_id' | 'created_at'>): Promise<void> {
    const created = new Date(job.created_at);
    const since = new Date(Date.UTC(created.getUTCFullYear(), created.getUTCMonth(), 1));
    await this.quotas.updateOne(
      { _id: `${job.workspace_id}|${since.toISOString()}`, used: { $gt: 0 } },
      { $inc: { used: -1 } },
    );
  }

  async get(jobId: string): Promise<Job | null> {
    const doc = await this.jobs.findById(jobId).lean<JobDocument>();
    return doc ? toJob(doc) : null;
  }

  async list(
    workspaceId: string,
    filter: JobFilter,
    page: { limit: number; cursor?: string },
  ): Promise<JobPage> {
    const query: Record<string, unknown> = { workspace_id: workspaceId };
    const created: Record<string, string> = {};
    if (filter.createdFrom) created.$gte = filter.createdFrom;
    if (filter.createdBefore) created.$lt = filter.createdBefore;
    if (Object.keys(created).length) query.created_at = created;
    if (filter.format) query.format = filter.format;
    if (filter.status) query.status = filter.status;
    if (page.cursor) {
      const after = decodeCursor(page.cursor);
      query.$or = [
        { created_at: { $lt: after[0] } },
        { created_at: after[0], _id: { $lt: after[1] } },
      ];
    }
    const docs = await this.jobs
      .find(query)
      .sort({ created_at: -1, _id: -1 })
      .limit(page.limit + 1)
      .lean<JobDocument[]>();
    const jobs = docs.slice(0, page.limit).map(toJob);
    const last = jobs[jobs.length - 1];
    return {
      jobs,
      nextCursor:
        docs.length > page.limit && last ? encodeCursor(last.created_at, last.job_id) : null,
    };
  }

  async update(jobId: string, patch: JobPatch, from: readonly JobStatus[]): Promise<boolean> {
    const before = await this.jobs
      .findOneAndUpdate(
        { _id: jobId, status: { $in: [...from] } },
        { $set: patch },
        { projection: { workspace_id: 1, created_at: 1, status: 1 }, returnDocument: 'before' },
      )
      .lean<Pick<Job, 'workspace_id' | 'created_at' | 'status'>>();
    if (!before) return false;
    if (patch.status === 'FAILED' && before.status !== 'FAILED')
      await this.releaseQuotaSlot(before);
    return true;
  }

  async findUnannounced(since: string, limit: number): Promise<Job[]> {
    const docs = await this.jobs
      .find({
        status: { $in: ['COMPLETED', 'FAILED'] },
        announced_at: null,
        updated_at: { $gte: since },
      })
      .sort({ updated_at: 1 })
      .limit(limit)
      .lean<JobDocument[]>();
    return docs.map(toJob);
  }

  async countTowardsQuota(workspaceId: string, since: string): Promise<number> {
    return this.jobs.countDocuments({
      workspace_id: workspaceId,
      created_at: { $gte: since },
      status: { $ne: 'FAILED' },
    });
  }

  async findStale(status: 'PENDING' | 'RUNNING', before: string, limit: number): Promise<Job[]> {
    const condition =
      status === 'PENDING'
        ? {
            $or: [
              { last_enqueued_at: { $lt: before } },
              { last_enqueued_at: null, created_at: { $lt: before } },
            ],
          }
        : { updated_at: { $lt: before } };
    const docs = await this.jobs
      .find({ status, ...condition })
      .sort({ created_at: 1 })
      .limit(limit)
      .lean<JobDocument[]>();
    return docs.map(toJob);
  }

  async countByStatus(): Promise<Record<JobStatus, number>> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    const rows = await this.jobs.aggregate<{ _id: JobStatus; n: number }>([
      { $group: { _id: '$status', n: { $sum: 1 } } },
    ]);
    for (const { _id, n } of rows) counts[_id] = n;
    return counts;
  }

  async ping(): Promise<void> {
    await this.connection.db!.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** Workspaces as documents in MongoDB. */
export class MongoWorkspaceStore implements WorkspaceStore {
  private readonly workspaces;

  constructor(connection: Connection) {
    this.workspaces = connection.model('Workspace', workspaceSchema);
  }

  async get(workspaceId: string): Promise<Workspace | null> {
    const doc = await this.workspaces.findById(workspaceId).lean<{ document: Workspace }>();
    return doc?.document ?? null;
  }

  async upsert(workspace: Workspace): Promise<void> {
    await this.workspaces.updateOne(
      { _id: workspace.workspace_id },
      { document: workspace },
      { upsert: true },
    );
  }
}
