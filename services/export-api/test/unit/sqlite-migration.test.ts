import { EXPORT_FORMATS } from '@wevion/shared';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../src/adapters/sqlite-job-store.ts';
import { job } from '../factories.ts';

describe('an SQLite file from before a format was added', () => {
  it('when it is opened, then job_results takes every format of the registry and keeps its rows and indexes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wevion-migrate-'));
    const path = join(dir, 'old.sqlite');
    try {
      // The table as the first release made it: CSV and PDF only, fewer columns.
      const old = new Database(path);
      old.exec(`CREATE TABLE job_results (
        job_id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, requested_by TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
        format TEXT NOT NULL CHECK (format IN ('CSV', 'PDF')),
        params TEXT NOT NULL, progress TEXT, file TEXT, error TEXT, created_at TEXT NOT NULL,
        started_at TEXT, completed_at TEXT, updated_at TEXT NOT NULL,
        enqueue_attempts INTEGER NOT NULL DEFAULT 0, last_enqueued_at TEXT)`);
      const before = job({ job_id: 'job_before' });
      old
        .prepare(
          `INSERT INTO job_results (job_id, workspace_id, requested_by, status, format, params,
           created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          'job_before',
          'ws_acme',
          'u',
          'PENDING',
          'CSV',
          JSON.stringify(before.params),
          before.created_at,
          before.updated_at,
        );
      old.close();

      const db = openSqlite(path);
      const store = new SqliteJobStore(db);
      assert.equal((await store.get('job_before'))!.format, 'CSV', 'the old row is kept');
      for (const format of EXPORT_FORMATS) await store.create(job({ format }));
      const indexes = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_results'")
        .all() as { name: string }[];
      assert.ok(indexes.some((i) => i.name === 'job_results_idempotency'));
      db.close();
      // Opening again changes nothing.
      const again = openSqlite(path);
      assert.equal((await new SqliteJobStore(again).get('job_before'))!.status, 'PENDING');
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
