import { EXPORT_FORMATS, JOB_STATUSES, RUN_OUTCOMES, SCHEDULE_STATUSES } from '@wevion/shared';
import Database from 'better-sqlite3';
import { DELIVERY_STATES } from '../domain/webhook.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** `'A', 'B'`: the constants are fixed identifiers, never user input. */
const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** job_results, whose CHECK on `format` follows the format registry (see migrateFormatCheck). */
const JOB_RESULTS = `
  CREATE TABLE IF NOT EXISTS job_results (
    job_id           TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL,
    requested_by     TEXT NOT NULL,
    requested_by_name TEXT,
    status           TEXT NOT NULL CHECK (status IN (${sqlList(JOB_STATUSES)})),
    format           TEXT NOT NULL CHECK (format IN (${sqlList(EXPORT_FORMATS)})),
    params           TEXT NOT NULL,
    progress         TEXT,
    file             TEXT,
    error            TEXT,
    created_at       TEXT NOT NULL,
    started_at       TEXT,
    completed_at     TEXT,
    updated_at       TEXT NOT NULL,
    enqueue_attempts INTEGER NOT NULL DEFAULT 0,
    last_enqueued_at TEXT,
    warnings         TEXT,
    idempotency_key  TEXT,
    request_hash     TEXT,
    announced_at     TEXT,
    schedule_id      TEXT,
    schedule_name    TEXT
  );
`;

const SCHEMA = `
  CREATE INDEX IF NOT EXISTS job_results_history ON job_results (workspace_id, created_at DESC, job_id DESC);
  CREATE INDEX IF NOT EXISTS job_results_staleness ON job_results (status, updated_at);
  CREATE TABLE IF NOT EXISTS webhooks (
    webhook_id   TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    created_at   TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS webhooks_workspace ON webhooks (workspace_id, created_at);
  CREATE TABLE IF NOT EXISTS webhook_deliveries (
    delivery_id     TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL,
    workspace_id    TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN (${sqlList(DELIVERY_STATES)})),
    attempts        TEXT NOT NULL,
    next_attempt_at TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (webhook_id, event_id)
  );
  CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
  CREATE INDEX IF NOT EXISTS webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at DESC);
  CREATE TABLE IF NOT EXISTS schedules (
    schedule_id  TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN (${sqlList(SCHEDULE_STATUSES)})),
    next_run_at  TEXT,
    created_at   TEXT NOT NULL,
    document     TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS schedules_workspace ON schedules (workspace_id, created_at DESC, schedule_id DESC);
  CREATE INDEX IF NOT EXISTS schedules_due ON schedules (next_run_at) WHERE status = 'active';
  CREATE TABLE IF NOT EXISTS schedule_runs (
    run_id        TEXT PRIMARY KEY,
    schedule_id   TEXT NOT NULL,
    workspace_id  TEXT NOT NULL,
    scheduled_for TEXT NOT NULL,
    fired_at      TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN (${sqlList(RUN_OUTCOMES)})),
    reason        TEXT,
    job_id        TEXT,
    since         TEXT NOT NULL,
    until         TEXT NOT NULL,
    -- This index, not a clock or a lock, is what makes each run happen once.
    UNIQUE (schedule_id, scheduled_for)
  );
  CREATE INDEX IF NOT EXISTS schedule_runs_pending ON schedule_runs (fired_at) WHERE outcome = 'pending';
  CREATE TABLE IF NOT EXISTS workspaces (
    workspace_id TEXT PRIMARY KEY,
    document     TEXT NOT NULL
  );
`;

/** Opens (and migrates) the embedded database file; WAL so readers never wait for the writer. */
export function openSqlite(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(JOB_RESULTS);
  // Files from before these columns get them once; old rows read as no warnings and no key.
  const columns = db.prepare('PRAGMA table_info(job_results)').all() as { name: string }[];
  for (const column of [
    'warnings',
    'idempotency_key',
    'request_hash',
    'announced_at',
    'requested_by_name',
    'schedule_id',
    'schedule_name',
  ])
    if (!columns.some((c) => c.name === column))
      db.exec(`ALTER TABLE job_results ADD COLUMN ${column} TEXT`);
  migrateFormatCheck(db);
  db.exec(SCHEMA);
  db.exec(`CREATE INDEX IF NOT EXISTS job_results_unannounced
    ON job_results (updated_at) WHERE announced_at IS NULL AND status IN ('COMPLETED', 'FAILED')`);
  // The index, not a lookup before the insert, is what makes one key one job under a race.
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS job_results_idempotency
    ON job_results (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
  return db;
}

/**
 * SQLite cannot change a CHECK constraint in place: a file made before a format was added
 * refuses its jobs. Such a table is rebuilt once under the current constraint, rows kept, in
 * one transaction (the indexes are made again by SCHEMA).
 */
function migrateFormatCheck(db: Database.Database): void {
  const tableSql = () =>
    (
      db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'job_results'")
        .get() as { sql: string }
    ).sql;
  const current = (sql: string) => sql.includes(`format IN (${sqlList(EXPORT_FORMATS)})`);
  if (current(tableSql())) return;
  db.transaction(() => {
    // Another process on the file may have done it while this one waited for the lock.
    if (current(tableSql())) return;
    const columns = (db.prepare('PRAGMA table_info(job_results)').all() as { name: string }[])
      .map((c) => c.name)
      .join(', ');
    db.exec('ALTER TABLE job_results RENAME TO job_results_before_formats');
    db.exec(JOB_RESULTS);
    db.exec(
      `INSERT INTO job_results (${columns}) SELECT ${columns} FROM job_results_before_formats`,
    );
    db.exec('DROP TABLE job_results_before_formats');
  }).immediate();
}
