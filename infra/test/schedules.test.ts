import {
  addDays,
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@wevion/testing/polling.ts';
import { createAwsAdapters } from '../../services/export-api/src/adapters/aws-adapters.ts';
import { createEdgeAdapters } from '../../services/export-api/src/adapters/edge-adapters.ts';
import { openSqlite } from '../../services/export-api/src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../services/export-api/src/adapters/sqlite-job-store.ts';
import { SqliteScheduleStore } from '../../services/export-api/src/adapters/sqlite-schedule-store.ts';
import { SqliteWebhookStore } from '../../services/export-api/src/adapters/sqlite-webhook-store.ts';
import { SqliteWorkspaceStore } from '../../services/export-api/src/adapters/sqlite-workspace-store.ts';
import { createApp } from '../../services/export-api/src/app.ts';
import { loadExportApiConfig } from '../../services/export-api/src/config.ts';
import type { Schedule } from '../../services/export-api/src/domain/schedule.ts';
import { job, schedule as aSchedule } from '../../services/export-api/test/factories.ts';
import { DEMO_WORKSPACES } from '../../services/export-api/src/demo-workspaces.ts';
import type { JobView } from '../../services/export-api/src/export-requests.ts';
import { LOCAL_CREDENTIALS } from '../src/local-emulators.ts';
import { startExportApiReplica, startLocalSystem, type LocalSystem } from '../src/local-system.ts';

const root = new URL('../../', import.meta.url).pathname;
const JWT_SECRET = 'schedules-secret-schedules-secret-schedules!';

/**
 * Scheduled exports on the running system: the three services as processes, a second export-api
 * process on the same SQLite file, real fauxqs and s3rver. Each due schedule fires once across
 * both processes; a run a killed process left half done is repaired without a second job; and a
 * run fired by an export-api whose clock the test sets ends in a file that downloads.
 */
describe('scheduled exports across export-api processes (real services, emulators)', function () {
  this.timeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'wevion-schedules-'));
  const logs: string[] = [];
  let system: LocalSystem;
  let replica: { stop(): Promise<void> } | undefined;
  let db: ReturnType<typeof openSqlite>;
  let schedules: SqliteScheduleStore;
  let jobs: SqliteJobStore;

  before(async () => {
    system = await startLocalSystem({
      root,
      dataDir,
      jwtSecret: JWT_SECRET,
      insightsPath: join(dataDir, 'insights.duckdb'),
      seedArgs: ['--workspaces', '1', '--platforms', '2', '--campaigns', '2', '--days', '40'],
      env: {
        QUEUE_WAIT_SECONDS: '1',
        RECONCILE_INTERVAL_SECONDS: '3600',
        SCHEDULE_TICK_SECONDS: '1',
        LOG_LEVEL: 'info',
      },
      onLog: (service, line) => logs.push(`[${service}] ${line}`),
    });
    replica = await startExportApiReplica(system, root, (line) =>
      logs.push(`[export-api-2] ${line}`),
    );
    db = openSqlite(system.env.SQLITE_PATH!);
    schedules = new SqliteScheduleStore(db);
    jobs = new SqliteJobStore(db);
    // An agency workspace: room for many schedules.
    await new SqliteWorkspaceStore(db).upsert({
      ...DEMO_WORKSPACES[0]!,
      workspace_id: 'ws_many',
      name: 'Many Schedules Ltd',
      plan: 'agency',
    });
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' || process.env.E2E_LOGS)
      console.log(logs.slice(-80).join('\n'));
    await replica?.stop();
    db?.close();
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A daily CSV of the agency workspace, due now unless `overrides` say otherwise. */
  const schedule = (overrides: Partial<Schedule>): Schedule => {
    const at = new Date().toISOString();
    return aSchedule('ws_many', {
      name: 'Daily spend',
      range: 'last_7_days',
      recurrence: { frequency: 'daily', time: '03:00' },
      timezone: 'UTC',
      next_run_at: at,
      owner: { user_id: 'user_demo', role: 'admin' },
      created_at: at,
      updated_at: at,
      ...overrides,
    });
  };

  /** The jobs a schedule made, from the store both processes write. */
  const jobsOf = (scheduleId: string) =>
    db
      .prepare('SELECT job_id, idempotency_key FROM job_results WHERE schedule_id = ?')
      .all(scheduleId) as { job_id: string; idempotency_key: string }[];

  it('when 30 schedules fall due at once, then across two export-api processes each fires exactly once, within seconds', async () => {
    const due = new Date(Date.now() - 1000).toISOString();
    const made = Array.from({ length: 30 }, () => schedule({ next_run_at: due }));
    for (const s of made) assert.equal(await schedules.create(s, 100), true);
    await eventually(async () => {
      const runs = await Promise.all(made.map((s) => schedules.runs(s.schedule_id, 5)));
      return runs.every((r) => r.length && r[0]!.outcome === 'job') ? true : undefined;
    }, 60_000);
    for (const s of made) {
      const runs = await schedules.runs(s.schedule_id, 5);
      assert.equal(runs.length, 1, `${s.schedule_id}: one run`);
      const madeJobs = jobsOf(s.schedule_id);
      assert.equal(madeJobs.length, 1, `${s.schedule_id}: one job`);
      assert.equal(madeJobs[0]!.idempotency_key, `schedule:${s.schedule_id}:${due}`);
      assert.ok(Date.parse(runs[0]!.fired_at) - Date.parse(due) < 60_000, 'fired within a minute');
      const after = (await schedules.get('ws_many', s.schedule_id))!;
      assert.ok(Date.parse(after.next_run_at!) > Date.now(), 'moved on to its next time');
    }
  });

  it('when a process died between the run row and the job, or after the job but before recording it, then a live one repairs the run with one job', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const scheduledFor = new Date(Date.now() - 5 * 60_000).toISOString();
    // What a process killed at either point leaves: the run written two minutes ago, pending,
    // the due time already claimed; in the second case its job too.
    const [beforeJob, afterJob] = [
      schedule({ next_run_at: tomorrow }),
      schedule({ next_run_at: tomorrow }),
    ];
    const firedAt = new Date(Date.now() - 2 * 60_000).toISOString();
    for (const s of [beforeJob, afterJob]) {
      await schedules.create(s, 100);
      await schedules.addRun({
        run_id: `run_${randomUUID()}`,
        schedule_id: s.schedule_id,
        workspace_id: s.workspace_id,
        scheduled_for: scheduledFor,
        fired_at: firedAt,
        outcome: 'pending',
        reason: null,
        job_id: null,
        since: '2026-11-01',
        until: '2026-11-07',
      });
    }
    const orphan = randomUUID();
    const key = `schedule:${afterJob.schedule_id}:${scheduledFor}`;
    await jobs.create(
      job({
        job_id: orphan,
        workspace_id: 'ws_many',
        schedule_id: afterJob.schedule_id,
        schedule_name: afterJob.name,
        enqueue_attempts: 0,
        last_enqueued_at: null,
        idempotency_key: key,
        request_hash: createHash('sha256').update(key).digest('hex'),
      }),
    );
    await eventually(async () => {
      const runs = await Promise.all(
        [beforeJob, afterJob].map((s) => schedules.getRun(s.schedule_id, scheduledFor)),
      );
      return runs.every((r) => r?.outcome === 'job') ? runs : undefined;
    }, 30_000);
    assert.equal(jobsOf(beforeJob.schedule_id).length, 1, 'the repair made the one job');
    assert.deepEqual(
      jobsOf(afterJob.schedule_id).map((j) => j.job_id),
      [orphan],
      'the job the dead process made is the run’s: no second',
    );
    assert.equal((await schedules.getRun(afterJob.schedule_id, scheduledFor))!.job_id, orphan);
  });

  it('when an export-api with the test’s clock reaches a weekly PDF schedule’s time, then its run is a normal export whose file downloads', async () => {
    // The test's clock starts at the real one and jumps to the first run: the real processes,
    // on the real clock, never see that run due.
    let now = new Date();
    const config = loadExportApiConfig({
      ...system.env,
      PORT: '0',
      OPS_PORT: '0',
      HOST: '127.0.0.1',
      REPORT_BUILDER_URL: system.opsUrls['report-builder'],
      SCHEDULE_TICK_SECONDS: '0.2',
      LOG_LEVEL: 'silent',
    });
    const clients = createAwsClients(config, LOCAL_CREDENTIALS);
    const ownDb = openSqlite(system.env.SQLITE_PATH!);
    const logger = createLogger('export-api-clock', 'silent');
    const adapters = createAwsAdapters(config, clients, {
      logger,
      metrics: createMetrics('export-api'),
    });
    const app = createApp(config, {
      jobs: new SqliteJobStore(ownDb),
      workspaces: new SqliteWorkspaceStore(ownDb),
      webhooks: new SqliteWebhookStore(ownDb),
      schedules: new SqliteScheduleStore(ownDb),
      ...adapters,
      ...createEdgeAdapters(config),
      logger,
      metrics: createMetrics('export-api'),
      clock: () => now,
    });
    const { port } = await app.start(0, 0);
    try {
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`http://127.0.0.1:${port}${path}`, {
          ...init,
          headers: {
            authorization: `Bearer ${system.tokens.ws_acme}`,
            'content-type': 'application/json',
          },
        });
      const created = await api('/api/v1/analytics/schedules', {
        method: 'POST',
        body: JSON.stringify({
          name: 'Weekly client report',
          export: { platforms: ['meta', 'google'], format: 'PDF', target_currency: 'EUR' },
          range: 'previous_week',
          recurrence: { frequency: 'weekly', days: ['MON'], time: '09:00' },
          timezone: 'Europe/Berlin',
        }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { schedule_id: id, next_runs: nextRuns } = (await created.json()) as {
        schedule_id: string;
        next_runs: string[];
      };
      const firstRun = nextRuns[0]!;
      assert.match(firstRun, /T09:00:00\+0[12]:00$/, 'Monday 09:00 in Berlin');
      now = new Date(Date.parse(firstRun) + 2000);
      // Monday to Sunday before the run's own local date.
      const runDay = firstRun.slice(0, 10);
      const job = await eventually(async () => {
        const { runs } = (await (await api(`/api/v1/analytics/schedules/${id}/runs`)).json()) as {
          runs: { job_id: string | null; since: string; until: string }[];
        };
        if (!runs[0]?.job_id) return undefined;
        const view = (await (
          await api(`/api/v1/analytics/export/${runs[0].job_id}`)
        ).json()) as JobView;
        return view.status === 'COMPLETED' || view.status === 'FAILED' ? view : undefined;
      }, 90_000);
      assert.equal(job.status, 'COMPLETED', JSON.stringify(job.error));
      assert.equal(job.schedule_id, id);
      assert.equal(job.schedule_name, 'Weekly client report');
      assert.deepEqual(
        [job.params.since, job.params.until],
        [addDays(runDay, -7), addDays(runDay, -1)],
      );
      const bytes = Buffer.from(await (await fetch(job.download_url!)).arrayBuffer());
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      assert.equal(createHash('sha256').update(bytes).digest('hex'), job.file!.sha256);
      // The Reports list names the schedule too.
      const listed = (await (await api('/api/v1/analytics/export?limit=5')).json()) as {
        jobs: JobView[];
      };
      assert.equal(
        listed.jobs.find((j) => j.job_id === job.job_id)?.schedule_name,
        'Weekly client report',
      );
    } finally {
      await app.stop();
      adapters.close();
      destroyAwsClients(clients);
      ownDb.close();
    }
  });
});
