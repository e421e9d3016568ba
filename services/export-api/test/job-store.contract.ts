import assert from 'node:assert/strict';
import type { JobStore, WorkspaceStore } from '../src/ports.ts';
import { DEMO_WORKSPACES } from '../src/demo-workspaces.ts';
import { randomUUID } from 'node:crypto';
import { IdempotencyKeyTaken } from '../src/domain/job.ts';
import { job } from './factories.ts';

/** What every job store must do; SQLite always, MongoDB when MONGODB_URI is set. */
export function jobStoreContract(
  open: () => Promise<{ jobs: JobStore; workspaces: WorkspaceStore }>,
): void {
  let jobs: JobStore;
  let workspaces: WorkspaceStore;
  before(async () => ({ jobs, workspaces } = await open()));
  after(() => jobs?.close());

  it('when a job is created, then it reads back exactly, JSON fields included', async () => {
    const created = job({ progress: { stage: 'queued', percent: 0 } });
    await jobs.create(created);
    assert.deepEqual(await jobs.get(created.job_id), created);
    assert.equal(await jobs.get('00000000-0000-4000-8000-000000000000'), null);
  });

  it('when updated with a compare-and-set, then only from the expected status', async () => {
    const created = job();
    await jobs.create(created);
    assert.equal(await jobs.update(created.job_id, { status: 'RUNNING' }, ['PENDING']), true);
    assert.equal(await jobs.update(created.job_id, { status: 'RUNNING' }, ['PENDING']), false);
    assert.equal(
      await jobs.update(created.job_id, { status: 'COMPLETED' }, ['PENDING', 'RUNNING']),
      true,
    );
    assert.equal((await jobs.get(created.job_id))!.status, 'COMPLETED');
  });

  it('when listing, then newest first, filtered, in pages that never repeat', async () => {
    const base = Date.parse('2026-03-01T00:00:00Z');
    const made = [];
    for (let i = 0; i < 7; i++) {
      const j = job({
        workspace_id: 'ws_list',
        created_at: new Date(base + i * 3_600_000).toISOString(),
        format: i % 2 ? 'PDF' : 'CSV',
      });
      made.push(j);
      await jobs.create(j);
    }
    // Same created_at: the job id breaks the tie, so paging stays stable.
    const twin = job({ workspace_id: 'ws_list', created_at: made[6]!.created_at });
    await jobs.create(twin);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await jobs.list('ws_list', {}, { limit: 3, ...(cursor ? { cursor } : {}) });
      ids.push(...page.jobs.map((j) => j.job_id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(ids.length, 8);
    assert.equal(new Set(ids).size, 8);
    assert.deepEqual(
      ids.slice(2),
      made
        .slice(0, 6)
        .reverse()
        .map((j) => j.job_id),
    );
    const pdf = await jobs.list('ws_list', { format: 'PDF' }, { limit: 10 });
    assert.equal(pdf.jobs.length, 3);
    const window = await jobs.list(
      'ws_list',
      { createdFrom: '2026-03-01T01:00:00.000Z', createdBefore: '2026-03-01T03:00:00.000Z' },
      { limit: 10 },
    );
    assert.deepEqual(
      window.jobs.map((j) => j.job_id),
      [made[2]!.job_id, made[1]!.job_id],
    );
  });

  it('when counting towards the quota, then failed jobs and older months do not count', async () => {
    await jobs.create(job({ workspace_id: 'ws_quota', created_at: '2026-11-02T00:00:00.000Z' }));
    await jobs.create(
      job({ workspace_id: 'ws_quota', created_at: '2026-11-03T00:00:00.000Z', status: 'FAILED' }),
    );
    await jobs.create(job({ workspace_id: 'ws_quota', created_at: '2026-10-31T23:59:59.999Z' }));
    assert.equal(await jobs.countTowardsQuota('ws_quota', '2026-11-01T00:00:00.000Z'), 1);
  });

  it('when jobs are created within a quota, then check and insert are atomic and a failed job frees its slot', async () => {
    const since = '2026-11-01T00:00:00.000Z';
    const at = '2026-11-05T00:00:00.000Z';
    const quota = { since, limit: 3 };
    const make = () => job({ workspace_id: 'ws_quota_atomic', created_at: at });
    const first = make();
    assert.deepEqual(await jobs.createWithinQuota(first, quota), { created: true, used: 1 });
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => jobs.createWithinQuota(make(), quota)),
    );
    assert.equal(racing.filter((r) => r.created).length, 2, 'only the free slots are taken');
    assert.equal(await jobs.countTowardsQuota('ws_quota_atomic', since), 3);
    const refused = make();
    assert.equal((await jobs.createWithinQuota(refused, quota)).created, false);
    assert.equal(await jobs.get(refused.job_id), null, 'a refused job is not stored');
    await jobs.update(first.job_id, { status: 'FAILED' }, ['PENDING']);
    assert.equal((await jobs.createWithinQuota(make(), quota)).created, true);
  });

  it('when two jobs carry one idempotency key in a workspace, then the index refuses the second, quota untouched', async () => {
    const key = `key-${randomUUID()}`;
    const workspace = `ws_idem_${randomUUID()}`;
    const first = job({ workspace_id: workspace, idempotency_key: key, request_hash: 'h1' });
    const quota = { since: '2026-01-01T00:00:00.000Z', limit: 10 };
    assert.equal((await jobs.createWithinQuota(first, quota)).created, true);
    const racing = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        jobs.createWithinQuota(job({ workspace_id: workspace, idempotency_key: key }), quota),
      ),
    );
    for (const result of racing) {
      assert.equal(result.status, 'rejected');
      assert.ok((result as PromiseRejectedResult).reason instanceof IdempotencyKeyTaken);
    }
    await assert.rejects(
      jobs.create(job({ workspace_id: workspace, idempotency_key: key })),
      IdempotencyKeyTaken,
    );
    assert.equal(await jobs.countTowardsQuota(workspace, quota.since), 1);
    assert.deepEqual(await jobs.findByIdempotencyKey(workspace, key), first);
    // Keys are per workspace, and a released key names the next job.
    await jobs.create(job({ workspace_id: `${workspace}_other`, idempotency_key: key }));
    await jobs.releaseIdempotencyKey(first.job_id);
    assert.equal(await jobs.findByIdempotencyKey(workspace, key), null);
    const next = job({ workspace_id: workspace, idempotency_key: key });
    await jobs.create(next);
    assert.equal((await jobs.findByIdempotencyKey(workspace, key))!.job_id, next.job_id);
  });

  it('when looking for stale jobs, then PENDING by last send and RUNNING by last update', async () => {
    const old = '2026-01-01T00:00:00.000Z';
    const lost = job({ workspace_id: 'ws_stale', created_at: old, last_enqueued_at: old });
    const silent = job({ workspace_id: 'ws_stale', status: 'RUNNING', updated_at: old });
    const fresh = job({ workspace_id: 'ws_stale', status: 'RUNNING' });
    for (const j of [lost, silent, fresh]) await jobs.create(j);
    const cutoff = '2026-06-01T00:00:00.000Z';
    assert.ok((await jobs.findStale('PENDING', cutoff, 100)).some((j) => j.job_id === lost.job_id));
    const running = await jobs.findStale('RUNNING', cutoff, 100);
    assert.ok(running.some((j) => j.job_id === silent.job_id));
    assert.ok(!running.some((j) => j.job_id === fresh.job_id));
    const counts = await jobs.countByStatus();
    assert.ok(counts.RUNNING >= 2 && counts.COMPLETED >= 1 && counts.FAILED >= 1);
  });

  it('when jobs ended and were not announced, then they are found oldest first, recent ones only', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2031, 0, 1, 12, minutes)).toISOString();
    const ended = (minutes: number, extra: Partial<ReturnType<typeof job>> = {}) =>
      job({ status: 'COMPLETED', created_at: at(0), updated_at: at(minutes), ...extra });
    const older = ended(1);
    const newer = ended(2, { status: 'FAILED' });
    const announced = ended(3, { announced_at: at(4) });
    const tooOld = ended(-30);
    const running = job({ status: 'RUNNING', created_at: at(0), updated_at: at(5) });
    for (const j of [newer, announced, tooOld, running, older]) await jobs.create(j);
    const found = await jobs.findUnannounced(at(0), 10);
    assert.deepEqual(
      found.map((j) => j.job_id),
      [older.job_id, newer.job_id],
    );
    assert.equal((await jobs.findUnannounced(at(0), 1)).length, 1, 'the limit holds');
  });

  it('when workspaces are stored, then they read back and update in place', async () => {
    const acme = DEMO_WORKSPACES[0]!;
    await workspaces.upsert(acme);
    assert.deepEqual(await workspaces.get('ws_acme'), acme);
    await workspaces.upsert({ ...acme, plan: 'agency' });
    assert.equal((await workspaces.get('ws_acme'))!.plan, 'agency');
    assert.equal(await workspaces.get('ws_nobody'), null);
  });
}
