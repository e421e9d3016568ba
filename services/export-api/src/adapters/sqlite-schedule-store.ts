import type Database from 'better-sqlite3';
import type { Schedule, SchedulePatch, ScheduleRun } from '../domain/schedule.ts';
import type { ScheduleStore } from '../ports.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

interface ScheduleRow {
  document: string;
}

interface RunRow extends Omit<ScheduleRun, 'reason'> {
  reason: string | null;
}

const toRun = ({ reason, ...row }: RunRow): ScheduleRun => ({
  ...row,
  reason: reason === null ? null : JSON.parse(reason),
});

/**
 * Schedules in the embedded SQLite file: the document as JSON, with the columns the queries
 * filter on (workspace, status, next run) beside it. Writes that read first run in BEGIN
 * IMMEDIATE transactions, so another export-api process on the file cannot interleave.
 */
export class SqliteScheduleStore implements ScheduleStore {
  private readonly insertWithinLimit;
  private readonly applyPatch;

  constructor(private readonly db: Database.Database) {
    const insert = db.prepare(
      `INSERT INTO schedules (schedule_id, workspace_id, status, next_run_at, created_at, document)
       VALUES (@schedule_id, @workspace_id, @status, @next_run_at, @created_at, @document)`,
    );
    const count = db.prepare('SELECT COUNT(*) AS n FROM schedules WHERE workspace_id = ?');
    this.insertWithinLimit = db.transaction((schedule: Schedule, max: number): boolean => {
      const { n } = count.get(schedule.workspace_id) as { n: number };
      if (n >= max) return false;
      insert.run({ ...columnsOf(schedule), document: JSON.stringify(schedule) });
      return true;
    });
    const read = db.prepare(
      'SELECT document FROM schedules WHERE workspace_id = ? AND schedule_id = ?',
    );
    const write = db.prepare(
      `UPDATE schedules SET status = @status, next_run_at = @next_run_at, document = @document
       WHERE schedule_id = @schedule_id`,
    );
    this.applyPatch = db.transaction(
      (
        workspaceId: string,
        scheduleId: string,
        patch: SchedulePatch,
        expect: { next_run_at: string | null } | undefined,
      ): Schedule | null => {
        const row = read.get(workspaceId, scheduleId) as ScheduleRow | undefined;
        if (!row) return null;
        const current = JSON.parse(row.document) as Schedule;
        if (expect && current.next_run_at !== expect.next_run_at) return null;
        const next = { ...current, ...patch };
        write.run({ ...columnsOf(next), document: JSON.stringify(next) });
        return next;
      },
    );
  }

  async create(schedule: Schedule, max: number): Promise<boolean> {
    return this.insertWithinLimit.immediate(schedule, max);
  }

  async get(workspaceId: string, scheduleId: string): Promise<Schedule | null> {
    const row = this.db
      .prepare('SELECT document FROM schedules WHERE workspace_id = ? AND schedule_id = ?')
      .get(workspaceId, scheduleId) as ScheduleRow | undefined;
    return row ? (JSON.parse(row.document) as Schedule) : null;
  }

  async list(workspaceId: string, page: { limit: number; cursor?: string }) {
    const after = page.cursor ? decodeCursor(page.cursor) : null;
    const rows = this.db
      .prepare(
        `SELECT document FROM schedules WHERE workspace_id = @workspaceId
         ${after ? 'AND (created_at, schedule_id) < (@createdAt, @scheduleId)' : ''}
         ORDER BY created_at DESC, schedule_id DESC LIMIT @limit`,
      )
      .all({
        workspaceId,
        limit: page.limit + 1,
        ...(after ? { createdAt: after[0], scheduleId: after[1] } : {}),
      }) as ScheduleRow[];
    const schedules = rows.slice(0, page.limit).map((r) => JSON.parse(r.document) as Schedule);
    const last = schedules.at(-1);
    return {
      schedules,
      nextCursor:
        rows.length > page.limit && last ? encodeCursor(last.created_at, last.schedule_id) : null,
    };
  }

  async activeIds(workspaceId: string): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT schedule_id FROM schedules WHERE workspace_id = ? AND status = 'active'
         ORDER BY created_at, schedule_id`,
      )
      .all(workspaceId) as { schedule_id: string }[];
    return rows.map((r) => r.schedule_id);
  }

  async update(
    workspaceId: string,
    scheduleId: string,
    patch: SchedulePatch,
    expect?: { next_run_at: string | null },
  ): Promise<Schedule | null> {
    return this.applyPatch.immediate(workspaceId, scheduleId, patch, expect);
  }

  async remove(workspaceId: string, scheduleId: string): Promise<boolean> {
    const removed = this.db.transaction(() => {
      const { changes } = this.db
        .prepare('DELETE FROM schedules WHERE workspace_id = ? AND schedule_id = ?')
        .run(workspaceId, scheduleId);
      if (changes)
        this.db.prepare('DELETE FROM schedule_runs WHERE schedule_id = ?').run(scheduleId);
      return changes === 1;
    });
    return removed.immediate();
  }

  async findDue(now: string, limit: number): Promise<Schedule[]> {
    const rows = this.db
      .prepare(
        `SELECT document FROM schedules WHERE status = 'active' AND next_run_at <= ?
         ORDER BY next_run_at, schedule_id LIMIT ?`,
      )
      .all(now, limit) as ScheduleRow[];
    return rows.map((r) => JSON.parse(r.document) as Schedule);
  }

  async addRun(run: ScheduleRun): Promise<boolean> {
    // OR IGNORE: the unique (schedule_id, scheduled_for) refuses a second row for one run.
    const { changes } = this.db
      .prepare(
        `INSERT OR IGNORE INTO schedule_runs
         (run_id, schedule_id, workspace_id, scheduled_for, fired_at, outcome, reason, job_id, since, until)
         VALUES (@run_id, @schedule_id, @workspace_id, @scheduled_for, @fired_at, @outcome, @reason, @job_id, @since, @until)`,
      )
      .run({ ...run, reason: run.reason && JSON.stringify(run.reason) });
    return changes === 1;
  }

  async getRun(scheduleId: string, scheduledFor: string): Promise<ScheduleRun | null> {
    const row = this.db
      .prepare('SELECT * FROM schedule_runs WHERE schedule_id = ? AND scheduled_for = ?')
      .get(scheduleId, scheduledFor) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  async recordRun(
    runId: string,
    outcome: Pick<ScheduleRun, 'outcome' | 'reason' | 'job_id'>,
  ): Promise<boolean> {
    const { changes } = this.db
      .prepare(
        `UPDATE schedule_runs SET outcome = @outcome, reason = @reason, job_id = @job_id
         WHERE run_id = @runId AND outcome = 'pending'`,
      )
      .run({ ...outcome, reason: outcome.reason && JSON.stringify(outcome.reason), runId });
    return changes === 1;
  }

  async runs(scheduleId: string, limit: number): Promise<ScheduleRun[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM schedule_runs WHERE schedule_id = ? ORDER BY scheduled_for DESC LIMIT ?',
      )
      .all(scheduleId, limit) as RunRow[];
    return rows.map(toRun);
  }

  async findPendingRuns(before: string, limit: number): Promise<ScheduleRun[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM schedule_runs WHERE outcome = 'pending' AND fired_at < ?
         ORDER BY fired_at LIMIT ?`,
      )
      .all(before, limit) as RunRow[];
    return rows.map(toRun);
  }
}

const columnsOf = (schedule: Schedule) => ({
  schedule_id: schedule.schedule_id,
  workspace_id: schedule.workspace_id,
  status: schedule.status,
  next_run_at: schedule.next_run_at,
  created_at: schedule.created_at,
});
