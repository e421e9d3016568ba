import { pino } from 'pino';
import assert from 'node:assert/strict';
import { openSqlite } from '../../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../src/adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../../src/adapters/sqlite-workspace-store.ts';
import { DEMO_WORKSPACES } from '../../src/demo-workspaces.ts';
import type { Job } from '../../src/domain/job.ts';
import { ExportRequests } from '../../src/export-requests.ts';
import { WorkspaceAccess } from '../../src/workspace-access.ts';
import { JobLifecycle } from '../../src/job-lifecycle.ts';
import type { ExportQueue } from '../../src/ports.ts';
import { job } from '../factories.ts';

describe('job lifecycle: the reconciler', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
  let jobs: SqliteJobStore;
  let sent: string[];
  let failSends: boolean;
  let lifecycle: JobLifecycle;
  let requests: ExportRequests;
  let logLines: { msg: string; job_id?: string | null; reason?: string }[];

  beforeEach(async () => {
    const db = openSqlite(':memory:');
    jobs = new SqliteJobStore(db);
    const workspaces = new SqliteWorkspaceStore(db);
    await workspaces.upsert(DEMO_WORKSPACES[0]!);
    sent = [];
    logLines = [];
    failSends = false;
    // A fake of the port: this test is about the reconciler's decisions, not about SQS.
    const queue: ExportQueue = {
      async enqueue(j: Job) {
        if (failSends) throw new Error('queue down');
        sent.push(j.job_id);
      },
    };
    lifecycle = new JobLifecycle(
      { pendingGraceSeconds: 120, maxEnqueueAttempts: 3, runningTimeoutSeconds: 900 },
      {
        jobs,
        workspaces,
        queue,
        files: { remove: async () => {} },
        onJobEnded: async () => undefined,
        logger: pino(
          { level: 'info' },
          { write: (line: string) => logLines.push(JSON.parse(line)) },
        ),
        clock: () => now,
      },
    );
    requests = new ExportRequests(
      { currencies: ['EUR'] },
      {
        jobs,
        access: new WorkspaceAccess(workspaces, { crossChannelEnabled: true }),
        lifecycle,
        signer: { sign: async () => ({ url: '', expiresAt: '' }) },
        cancellations: { mark: async () => undefined },
        clock: () => now,
      },
    );
  });

  it('when a PENDING job was never picked up, then it is sent again and its attempts counted', async () => {
    const lost = job({
      created_at: minutesAgo(10),
      last_enqueued_at: minutesAgo(10),
      enqueue_attempts: 1,
    });
    const recent = job({ created_at: minutesAgo(1), last_enqueued_at: minutesAgo(1) });
    await jobs.create(lost);
    await jobs.create(recent);
    assert.deepEqual(await lifecycle.reconcile(), { resent: 1, failed: 0 });
    assert.deepEqual(sent, [lost.job_id]);
    const after = (await jobs.get(lost.job_id))!;
    assert.equal(after.enqueue_attempts, 2);
    assert.equal(after.last_enqueued_at, now.toISOString());
  });

  it('when a PENDING job used up its attempts, then it ends FAILED instead of waiting forever', async () => {
    const hopeless = job({
      created_at: minutesAgo(30),
      last_enqueued_at: minutesAgo(10),
      enqueue_attempts: 3,
    });
    await jobs.create(hopeless);
    assert.deepEqual(await lifecycle.reconcile(), { resent: 0, failed: 1 });
    const after = (await jobs.get(hopeless.job_id))!;
    assert.equal(after.status, 'FAILED');
    assert.equal(after.error!.code, 'not_started');
  });

  it('when a PENDING job’s workspace no longer exists, then it ends FAILED instead of waiting forever', async () => {
    const orphan = job({
      workspace_id: 'ws_deleted',
      created_at: minutesAgo(10),
      last_enqueued_at: minutesAgo(10),
      enqueue_attempts: 1,
    });
    await jobs.create(orphan);
    assert.deepEqual(await lifecycle.reconcile(), { resent: 0, failed: 1 });
    const after = (await jobs.get(orphan.job_id))!;
    assert.equal(after.status, 'FAILED');
    assert.equal(after.error!.code, 'workspace_not_found');
    assert.deepEqual(sent, []);
  });

  it('when a RUNNING job is silent past its deadline, then it ends FAILED with a timeout', async () => {
    const stuck = job({
      status: 'RUNNING',
      started_at: minutesAgo(20),
      updated_at: minutesAgo(16),
    });
    const working = job({
      status: 'RUNNING',
      started_at: minutesAgo(20),
      updated_at: minutesAgo(1),
    });
    await jobs.create(stuck);
    await jobs.create(working);
    await lifecycle.reconcile();
    assert.equal((await jobs.get(stuck.job_id))!.status, 'FAILED');
    assert.match((await jobs.get(stuck.job_id))!.error!.message, /no progress for 15 minutes/);
    assert.equal((await jobs.get(working.job_id))!.status, 'RUNNING');
  });

  it('when the queue is down at request time, then the job is kept PENDING for the reconciler', async () => {
    failSends = true;
    const { job: created } = await requests.requestExport(
      { user_id: 'u', workspace_id: 'ws_acme', role: 'admin' },
      DEMO_WORKSPACES[0]!,
      'CSV',
      job().params,
    );
    const stored = (await jobs.get(created.job_id))!;
    assert.equal(stored.status, 'PENDING');
    assert.equal(stored.enqueue_attempts, 1);
  });

  it('when a dead letter names no usable job id, then it still leaves a "dead letter handled" trace', async () => {
    await lifecycle.failFromDeadLetter(
      JSON.stringify({ type: 'EXPORT_UNIFIED_REPORT', job_id: 'not-a-uuid' }),
      'report-builder',
    );
    await lifecycle.failFromDeadLetter('not json at all', 'renderer');
    const traces = logLines.filter((l) => l.msg === 'dead letter handled');
    assert.equal(traces.length, 2);
    for (const trace of traces) {
      assert.equal(trace.job_id, null);
      assert.match(trace.reason!, /names no job/);
    }
  });

  it('when RUNNING lands between the read and the write of a COMPLETED, then the job still completes with its file', async () => {
    const racing = job({ created_at: minutesAgo(1), last_enqueued_at: minutesAgo(1) });
    await jobs.create(racing);
    const removed: string[] = [];
    const update = jobs.update.bind(jobs);
    let raced = false;
    // Another consumer applies RUNNING just after this one read the job as PENDING.
    jobs.update = async (jobId, patch, from) => {
      if (!raced && patch.status === 'COMPLETED') {
        raced = true;
        await update(jobId, { status: 'RUNNING', updated_at: now.toISOString() }, ['PENDING']);
      }
      return update(jobId, patch, from);
    };
    const lifecycleWithFiles = new JobLifecycle(
      { pendingGraceSeconds: 120, maxEnqueueAttempts: 3, runningTimeoutSeconds: 900 },
      {
        jobs,
        workspaces: new SqliteWorkspaceStore(openSqlite(':memory:')),
        queue: { enqueue: async () => undefined },
        files: { remove: async (key: string) => void removed.push(key) },
        onJobEnded: async () => undefined,
        logger: pino({ level: 'silent' }),
        clock: () => now,
      },
    );
    const file = {
      key: `exports/ws_acme/${racing.job_id}/a/f.csv`,
      bytes: 10,
      rows: 2,
      sha256: 'a'.repeat(64),
      content_type: 'text/csv; charset=utf-8',
    };
    await lifecycleWithFiles.handleJobEvent({
      type: 'JOB_EVENT',
      version: 1,
      job_id: racing.job_id,
      workspace_id: 'ws_acme',
      status: 'COMPLETED',
      at: now.toISOString(),
      file,
    });
    assert.ok(raced, 'the race happened');
    const ended = await jobs.get(racing.job_id);
    assert.equal(ended!.status, 'COMPLETED');
    assert.equal(ended!.file!.key, file.key);
    assert.deepEqual(removed, [], 'the file it completed with stays');
  });
});
