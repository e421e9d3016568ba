import { ValidationError, type JobStatus } from '@wevion/shared';
import { decodeCursor, encodeCursor } from '../../src/adapters/cursor.ts';
import { IdempotencyKeyTaken, type Job, type JobPatch } from '../../src/domain/job.ts';
import type { JobFilter, JobPage, JobStore } from '../../src/ports.ts';

const copy = <T>(value: T): T => structuredClone(value);
const ENDED: readonly JobStatus[] = ['COMPLETED', 'FAILED'];

/** A JobStore in a Map, for unit tests; the job-store contract suite runs against it too. */
export class InMemoryJobStore implements JobStore {
  readonly jobs = new Map<string, Job>();

  async create(job: Job): Promise<void> {
    this.insert(job);
  }

  async createWithinQuota(job: Job, quota: { since: string; limit: number }) {
    // Counted and inserted without an await in between: atomic, as the contract asks.
    const used = this.quotaUse(job.workspace_id, quota.since);
    if (used >= quota.limit) return { created: false, used };
    this.insert(job);
    return { created: true, used: used + 1 };
  }

  private insert(job: Job): void {
    if (
      job.idempotency_key &&
      [...this.jobs.values()].some(
        (j) => j.workspace_id === job.workspace_id && j.idempotency_key === job.idempotency_key,
      )
    )
      throw new IdempotencyKeyTaken();
    this.jobs.set(job.job_id, copy(job));
  }

  async get(jobId: string): Promise<Job | null> {
    const job = this.jobs.get(jobId);
    return job ? copy(job) : null;
  }

  async list(
    workspaceId: string,
    filter: JobFilter,
    page: { limit: number; cursor?: string },
  ): Promise<JobPage> {
    const after = page.cursor ? decodeCursor(page.cursor) : null;
    if (page.cursor && !after)
      throw new ValidationError(
        'invalid_cursor',
        '"cursor" is not a cursor this API returned',
        'cursor',
      );
    const newestFirst = (a: Job, b: Job) =>
      b.created_at.localeCompare(a.created_at) || b.job_id.localeCompare(a.job_id);
    const before = (j: Job) =>
      !after || j.created_at < after[0] || (j.created_at === after[0] && j.job_id < after[1]);
    const matching = [...this.jobs.values()]
      .filter(
        (j) =>
          j.workspace_id === workspaceId &&
          (!filter.createdFrom || j.created_at >= filter.createdFrom) &&
          (!filter.createdBefore || j.created_at < filter.createdBefore) &&
          (!filter.format || j.format === filter.format) &&
          (!filter.status || j.status === filter.status) &&
          before(j),
      )
      .sort(newestFirst);
    const jobs = matching.slice(0, page.limit).map(copy);
    const last = jobs.at(-1);
    return {
      jobs,
      nextCursor:
        matching.length > page.limit && last ? encodeCursor(last.created_at, last.job_id) : null,
    };
  }

  async update(jobId: string, patch: JobPatch, from: readonly JobStatus[]): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (!job || !from.includes(job.status)) return false;
    this.jobs.set(jobId, { ...job, ...copy(patch) });
    return true;
  }

  async findByIdempotencyKey(workspaceId: string, key: string): Promise<Job | null> {
    const job = [...this.jobs.values()].find(
      (j) => j.workspace_id === workspaceId && j.idempotency_key === key,
    );
    return job ? copy(job) : null;
  }

  async releaseIdempotencyKey(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) delete job.idempotency_key;
  }

  async findUnannounced(since: string, limit: number): Promise<Job[]> {
    return [...this.jobs.values()]
      .filter((j) => !j.announced_at && ENDED.includes(j.status) && j.updated_at >= since)
      .sort((a, b) => a.updated_at.localeCompare(b.updated_at))
      .slice(0, limit)
      .map(copy);
  }

  async countTowardsQuota(workspaceId: string, since: string): Promise<number> {
    return this.quotaUse(workspaceId, since);
  }

  private quotaUse(workspaceId: string, since: string): number {
    return [...this.jobs.values()].filter(
      (j) => j.workspace_id === workspaceId && j.created_at >= since && j.status !== 'FAILED',
    ).length;
  }

  async findStale(status: 'PENDING' | 'RUNNING', before: string, limit: number): Promise<Job[]> {
    const at = (j: Job) =>
      status === 'PENDING' ? (j.last_enqueued_at ?? j.created_at) : j.updated_at;
    return [...this.jobs.values()]
      .filter((j) => j.status === status && at(j) < before)
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .slice(0, limit)
      .map(copy);
  }

  async countByStatus(): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0 };
    for (const job of this.jobs.values()) counts[job.status]++;
    return counts;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
