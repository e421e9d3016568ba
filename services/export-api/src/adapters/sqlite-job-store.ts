import type Database from 'better-sqlite3';
import { JOB_STATUSES, type JobStatus } from '@wevion/shared';
import { IdempotencyKeyTaken, type Job, type JobPatch } from '../domain/job.ts';
import type { JobFilter, JobPage, JobStore } from '../ports.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const JSON_COLUMNS = ['params', 'progress', 'file', 'error', 'warnings'] as const;
const COLUMNS = [
  'job_id',
  'workspace_id',
  'requested_by',
  'requested_by_name',
  'status',
  'format',
  'params',
  'progress',
  'file',
  'error',
  'created_at',
  'started_at',
  'completed_at',
  'updated_at',
  'enqueue_attempts',
  'last_enqueued_at',
  'warnings',
  'idempotency_key',
  'request_hash',
  'announced_at',
  'schedule_id',
  'schedule_name',
] as const;

type Row = Record<(typeof COLUMNS)[number], string | number | null>;

function toRow(values: Partial<Job>): Partial<Row> {
  const row: Partial<Row> = {};
  for (const [key, value] of Object.entries(values)) {
    row[key as keyof Row] = (JSON_COLUMNS as readonly string[]).includes(key)
      ? value === null
        ? null
        : JSON.stringify(value)
      : (value as string | number | null);
  }
  return row;
}

/** Every column named: better-sqlite3 wants a value for each parameter of the INSERT. */
function insertRow(job: Job): Partial<Row> {
  return {
    requested_by_name: null,
    idempotency_key: null,
    request_hash: null,
    announced_at: null,
    schedule_id: null,
    schedule_name: null,
    ...toRow(job),
  };
}

/** A unique-index refusal of the idempotency key, as the port names it. */
function idempotencyConflict(error: unknown): unknown {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && message?.includes('idempotency_key')
    ? new IdempotencyKeyTaken()
    : error;
}

function fromRow(row: Row): Job {
  const job = { ...row } as Record<string, unknown>;
  for (const key of JSON_COLUMNS)
    job[key] = row[key] === null ? null : JSON.parse(row[key] as string);
  job.warnings ??= [];
  for (const key of [
    'requested_by_name',
    'idempotency_key',
    'request_hash',
    'announced_at',
    'schedule_id',
    'schedule_name',
  ] as const)
    if (job[key] === null) delete job[key];
  return job as unknown as Job;
}

const INSERT = `INSERT INTO job_results (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`;
const COUNT_TOWARDS_QUOTA = `SELECT COUNT(*) AS n FROM job_results WHERE workspace_id = ? AND created_at >= ? AND status <> 'FAILED'`;

/** job_results in the embedded SQLite file (better-sqlite3 is synchronous and fast). */
export class SqliteJobStore implements JobStore {
  /**
   * Count and insert in one BEGIN IMMEDIATE transaction: it takes the write lock first, so no
   * other connection (another export-api process on this file) can insert in between.
   */
  private readonly insertWithinQuota;

  constructor(private readonly db: Database.Database) {
    const insert = db.prepare(INSERT);
    const count = db.prepare(COUNT_TOWARDS_QUOTA);
    this.insertWithinQuota = db.transaction(
      (row: Partial<Row>, since: string, limit: number): { created: boolean; used: number } => {
        const { n } = count.get(row.workspace_id, since) as { n: number };
        if (n >= limit) return { created: false, used: n };
        insert.run(row);
        return { created: true, used: n + 1 };
      },
    );
  }

  async create(job: Job): Promise<void> {
    try {
      this.db.prepare(INSERT).run(insertRow(job));
    } catch (error) {
      throw idempotencyConflict(error);
    }
  }

  async createWithinQuota(job: Job, quota: { since: string; limit: number }) {
    try {
      // A refused insert rolls the transaction back: the quota count never saw it.
      return this.insertWithinQuota.immediate(insertRow(job), quota.since, quota.limit);
    } catch (error) {
      throw idempotencyConflict(error);
    }
  }

  async findByIdempotencyKey(workspaceId: string, key: string): Promise<Job | null> {
    const row = this.db
      .prepare('SELECT * FROM job_results WHERE workspace_id = ? AND idempotency_key = ?')
      .get(workspaceId, key) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async releaseIdempotencyKey(jobId: string): Promise<void> {
    this.db.prepare('UPDATE job_results SET idempotency_key = NULL WHERE job_id = ?').run(jobId);
  }

  async get(jobId: string): Promise<Job | null> {
    const row = this.db.prepare('SELECT * FROM job_results WHERE job_id = ?').get(jobId) as
      Row | undefined;
    return row ? fromRow(row) : null;
  }

  async list(
    workspaceId: string,
    filter: JobFilter,
    page: { limit: number; cursor?: string },
  ): Promise<JobPage> {
    const where = ['workspace_id = @workspaceId'];
    const params: Record<string, unknown> = { workspaceId, limit: page.limit + 1 };
    const conditions: [keyof JobFilter, string][] = [
      ['createdFrom', 'created_at >= @createdFrom'],
      ['createdBefore', 'created_at < @createdBefore'],
      ['format', 'format = @format'],
      ['status', 'status = @status'],
    ];
    for (const [key, sql] of conditions) {
      if (filter[key] === undefined) continue;
      where.push(sql);
      params[key] = filter[key];
    }
    if (page.cursor) {
      const after = decodeCursor(page.cursor);
      where.push('(created_at, job_id) < (@cursorCreatedAt, @cursorJobId)');
      [params.cursorCreatedAt, params.cursorJobId] = after;
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM job_results WHERE ${where.join(' AND ')}
         ORDER BY created_at DESC, job_id DESC LIMIT @limit`,
      )
      .all(params) as Row[];
    const jobs = rows.slice(0, page.limit).map(fromRow);
    const last = jobs[jobs.length - 1];
    return {
      jobs,
      nextCursor:
        rows.length > page.limit && last ? encodeCursor(last.created_at, last.job_id) : null,
    };
  }

  async update(jobId: string, patch: JobPatch, from: readonly JobStatus[]): Promise<boolean> {
    const row = toRow(patch);
    const sets = Object.keys(row).map((c) => `${c} = @${c}`);
    const statuses = from.map((_, i) => `@from${i}`);
    const params = { ...row, jobId, ...Object.fromEntries(from.map((s, i) => [`from${i}`, s])) };
    const result = this.db
      .prepare(
        `UPDATE job_results SET ${sets.join(', ')} WHERE job_id = @jobId AND status IN (${statuses.join(', ')})`,
      )
      .run(params);
    return result.changes === 1;
  }

  async findUnannounced(since: string, limit: number): Promise<Job[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM job_results WHERE announced_at IS NULL AND status IN ('COMPLETED', 'FAILED')
         AND updated_at >= ? ORDER BY updated_at LIMIT ?`,
      )
      .all(since, limit) as Row[];
    return rows.map(fromRow);
  }

  async countTowardsQuota(workspaceId: string, since: string): Promise<number> {
    const { n } = this.db.prepare(COUNT_TOWARDS_QUOTA).get(workspaceId, since) as { n: number };
    return n;
  }

  async findStale(status: 'PENDING' | 'RUNNING', before: string, limit: number): Promise<Job[]> {
    const column = status === 'PENDING' ? 'COALESCE(last_enqueued_at, created_at)' : 'updated_at';
    const rows = this.db
      .prepare(
        `SELECT * FROM job_results WHERE status = ? AND ${column} < ? ORDER BY created_at LIMIT ?`,
      )
      .all(status, before, limit) as Row[];
    return rows.map(fromRow);
  }

  async countByStatus(): Promise<Record<JobStatus, number>> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    const rows = this.db
      .prepare('SELECT status, COUNT(*) AS n FROM job_results GROUP BY status')
      .all() as {
      status: JobStatus;
      n: number;
    }[];
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
