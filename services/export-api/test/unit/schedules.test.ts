import assert from 'node:assert/strict';
import request from 'supertest';
import { ScheduleRunner } from '../../src/schedules/schedule-runner.ts';
import { fakeExportApi } from '../fakes/fake-export-api.ts';

/**
 * Schedules through the real use cases on fakes, with a clock the test moves: firing, the run
 * rules (missed, overlap, quota, pauses), repair after a crash, and the API around them.
 */
describe('scheduled exports on fakes, clock injected', () => {
  let now: Date;
  let api: ReturnType<typeof fakeExportApi>;
  const at = (iso: string) => (now = new Date(iso));
  const http = () => request(api.app.koa.callback());
  const body = {
    name: 'Weekly client report',
    export: { platforms: ['meta', 'google'], format: 'PDF', target_currency: 'EUR' },
    range: 'previous_week',
    recurrence: { frequency: 'weekly', days: ['MON'], time: '09:00' },
    timezone: 'Europe/Berlin',
  };

  beforeEach(() => {
    // Sunday 6 December 2026, noon in Berlin: the next run is Monday 09:00 CET.
    at('2026-12-06T11:00:00Z');
    api = fakeExportApi({ SCHEDULE_TICK_SECONDS: '60' }, () => now);
  });

  async function create(
    overrides: Record<string, unknown> = {},
    workspace = 'ws_acme',
  ): Promise<string> {
    const res = await http()
      .post('/api/v1/analytics/schedules')
      .set('Authorization', `Bearer ${await api.token(workspace)}`)
      .send({ ...body, ...overrides });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.schedule_id as string;
  }

  const get = async (path: string, workspace = 'ws_acme') =>
    http()
      .get(`/api/v1/analytics/schedules${path}`)
      .set('Authorization', `Bearer ${await api.token(workspace)}`);
  const post = async (path: string, workspace = 'ws_acme', role = 'admin') =>
    http()
      .post(`/api/v1/analytics/schedules${path}`)
      .set('Authorization', `Bearer ${await api.token(workspace, role)}`)
      .send({});
  const runsOf = async (id: string) =>
    (await get(`/${id}/runs?limit=100`)).body.runs as {
      scheduled_for: string;
      outcome: string;
      job_id: string | null;
      since: string;
      until: string;
      reason: { code: string } | null;
    }[];
  const failJob = (jobId: string) =>
    api.app.lifecycle.transition(
      jobId,
      {
        status: 'FAILED',
        error: { code: 'render_failed', message: 'boom' },
        completed_at: now.toISOString(),
        updated_at: now.toISOString(),
      },
      ['PENDING', 'RUNNING'],
    );
  const completeJob = (jobId: string) =>
    api.jobs.update(jobId, { status: 'COMPLETED', completed_at: now.toISOString() }, [
      'PENDING',
      'RUNNING',
    ]);

  it('when a schedule is created, then it answers its id, active, and the next three runs with their offset', async () => {
    const res = await http()
      .post('/api/v1/analytics/schedules')
      .set('Authorization', `Bearer ${await api.token('ws_acme')}`)
      .send(body);
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, `/api/v1/analytics/schedules/${res.body.schedule_id}`);
    assert.equal(res.body.status, 'active');
    assert.deepEqual(res.body.next_runs, [
      '2026-12-07T09:00:00+01:00',
      '2026-12-14T09:00:00+01:00',
      '2026-12-21T09:00:00+01:00',
    ]);
    assert.equal(res.body.last_run, null);
    assert.deepEqual(res.body.export, {
      format: 'PDF',
      platforms: ['meta', 'google'],
      target_currency: 'EUR',
      compare_previous: true,
      csv_bom: false,
    });
  });

  it('when its time comes, then one export job is created with the schedule on it, exporting the previous week in its zone', async () => {
    const id = await create();
    assert.deepEqual(await api.app.runner.tick(), { fired: 0, repaired: 0 }, 'not due yet');
    at('2026-12-07T08:00:30Z');
    assert.deepEqual(await api.app.runner.tick(), { fired: 1, repaired: 0 });
    assert.deepEqual(await api.app.runner.tick(), { fired: 0, repaired: 0 }, 'fired once');
    const [run] = await runsOf(id);
    assert.equal(run!.scheduled_for, '2026-12-07T08:00:00.000Z');
    assert.equal(run!.outcome, 'job');
    assert.deepEqual([run!.since, run!.until], ['2026-11-30', '2026-12-06']);
    const job = (await api.jobs.get(run!.job_id!))!;
    assert.equal(job.schedule_id, id);
    assert.equal(job.schedule_name, 'Weekly client report');
    assert.equal(job.idempotency_key, `schedule:${id}:2026-12-07T08:00:00.000Z`);
    assert.deepEqual(
      [job.format, job.params.since, job.params.until, job.params.timezone],
      ['PDF', '2026-11-30', '2026-12-06', 'Europe/Berlin'],
    );
    assert.equal(api.queue.sent.length, 1, 'sent to report-builder');
    const view = (await get(`/${id}`)).body;
    assert.equal(view.last_run.job_id, job.job_id);
    assert.equal(view.last_run.job_status, 'PENDING');
    assert.equal(view.next_runs[0], '2026-12-14T09:00:00+01:00');
  });

  it('when two runners tick on one store at once, then each due time makes one job', async () => {
    const ids = [await create(), await create({ name: 'Second' })];
    const second = new ScheduleRunner(
      {
        crossChannelEnabled: true,
        batchSize: 200,
        pendingLeaseMs: 60_000,
        giveUpAfterMs: 86_400_000,
      },
      {
        schedules: api.schedules,
        jobs: api.jobs,
        workspaces: api.workspaces,
        requests: api.app.requests,
        events: { scheduleEvent: async () => undefined },
        clock: () => now,
      },
    );
    at('2026-12-07T08:00:05Z');
    const [a, b] = await Promise.all([api.app.runner.tick(), second.tick()]);
    assert.equal(a.fired + b.fired, 2);
    assert.equal(api.queue.sent.length, 2, 'two schedules, two jobs');
    for (const id of ids) assert.equal((await runsOf(id)).length, 1);
  });

  it('when a task died between the run row and its job, then the next tick repairs it without a second job', async () => {
    const id = await create();
    at('2026-12-07T08:00:05Z');
    // What the dead task left: the run written, the due time claimed, no job.
    const schedule = (await api.schedules.get('ws_acme', id))!;
    await api.schedules.addRun({
      run_id: 'run_crashed',
      schedule_id: id,
      workspace_id: 'ws_acme',
      scheduled_for: schedule.next_run_at!,
      fired_at: now.toISOString(),
      outcome: 'pending',
      reason: null,
      job_id: null,
      since: '2026-11-30',
      until: '2026-12-06',
    });
    await api.schedules.update('ws_acme', id, { next_run_at: '2026-12-14T08:00:00.000Z' });
    assert.deepEqual(await api.app.runner.tick(), { fired: 0, repaired: 0 }, 'within its lease');
    at('2026-12-07T08:01:30Z');
    assert.deepEqual(await api.app.runner.tick(), { fired: 0, repaired: 1 });
    const [run] = await runsOf(id);
    assert.equal(run!.outcome, 'job');
    assert.equal(api.queue.sent.length, 1);
  });

  it('when a task died after creating the job but before recording it, then the repair finds that job: still one', async () => {
    const id = await create();
    at('2026-12-07T08:00:05Z');
    api.schedules.recordRun = async () => {
      throw new Error('the task dies here');
    };
    await assert.rejects(api.app.runner.tick());
    delete (api.schedules as Partial<typeof api.schedules>).recordRun;
    assert.equal(api.queue.sent.length, 1, 'the job was created');
    at('2026-12-07T08:02:00Z');
    assert.deepEqual(await api.app.runner.tick(), { fired: 0, repaired: 1 });
    const [run] = await runsOf(id);
    assert.equal(run!.job_id, api.queue.sent[0]!.job.job_id, 'the first job, found by its key');
    assert.equal(api.queue.sent.length, 1, 'no second job');
  });

  it('when every task was down through three runs, then the latest runs once and the others are recorded missed', async () => {
    const id = await create({ recurrence: { frequency: 'daily', time: '09:00' } });
    at('2026-12-09T10:30:00Z');
    assert.deepEqual(await api.app.runner.tick(), { fired: 1, repaired: 0 });
    const runs = await runsOf(id);
    assert.deepEqual(
      runs.map((r) => [r.scheduled_for, r.outcome]),
      [
        ['2026-12-09T08:00:00.000Z', 'job'],
        ['2026-12-08T08:00:00.000Z', 'missed'],
        ['2026-12-07T08:00:00.000Z', 'missed'],
      ],
    );
    assert.equal(api.queue.sent.length, 1, 'no backlog burst');
    // The late run exports the dates of its own time, not of the clock's.
    assert.deepEqual([runs[0]!.since, runs[0]!.until], ['2026-11-30', '2026-12-06']);
    assert.equal((await get(`/${id}`)).body.next_runs[0], '2026-12-10T09:00:00+01:00');
  });

  it('when the previous run’s job is still running, then the next is recorded skipped_overlap', async () => {
    const id = await create({ recurrence: { frequency: 'daily', time: '09:00' } });
    at('2026-12-07T08:00:01Z');
    await api.app.runner.tick();
    at('2026-12-08T08:00:01Z');
    await api.app.runner.tick();
    const [latest] = await runsOf(id);
    assert.equal(latest!.outcome, 'skipped_overlap');
    assert.equal(latest!.reason!.code, 'previous_run_unfinished');
    assert.equal(api.queue.sent.length, 1);
  });

  it('when three runs fail in a row, then one schedule.run_failed, then the schedule pauses itself with the reason', async () => {
    const events: string[] = [];
    const store = api.webhooks;
    await store.create(
      {
        webhook_id: 'wh_1',
        workspace_id: 'ws_acme',
        url: 'https://hooks.example.com/in',
        secret: 'whsec_x',
        created_at: now.toISOString(),
      },
      5,
    );
    const id = await create({ recurrence: { frequency: 'daily', time: '09:00' } });
    for (const day of ['07', '08', '09']) {
      at(`2026-12-${day}T08:00:01Z`);
      await api.app.runner.tick();
      const [run] = await runsOf(id);
      await failJob(run!.job_id!);
    }
    for (const d of await store.deliveries('ws_acme', 'wh_1', 50)) events.push(d.event_type);
    assert.equal(events.filter((e) => e === 'schedule.run_failed').length, 1, 'once per streak');
    assert.equal(events.filter((e) => e === 'schedule.paused').length, 1);
    assert.equal(events.filter((e) => e === 'export.failed').length, 3);
    const view = (await get(`/${id}`)).body;
    assert.equal(view.status, 'paused');
    assert.equal(view.paused_reason.code, 'repeated_failures');
    assert.deepEqual(view.next_runs, []);
    at('2026-12-10T08:00:01Z');
    assert.deepEqual(await api.app.runner.tick(), { fired: 0, repaired: 0 }, 'paused: no run');
  });

  it('when a run completes between failures, then the streak starts again', async () => {
    const id = await create({ recurrence: { frequency: 'daily', time: '09:00' } });
    const outcomes = ['fail', 'fail', 'complete', 'fail', 'fail'];
    for (const [i, outcome] of outcomes.entries()) {
      at(`2026-12-${String(7 + i).padStart(2, '0')}T08:00:01Z`);
      await api.app.runner.tick();
      const [run] = await runsOf(id);
      if (outcome === 'fail') await failJob(run!.job_id!);
      else await completeJob(run!.job_id!);
    }
    assert.equal((await get(`/${id}`)).body.status, 'active');
  });

  it('when the subscription ends or cross-channel analytics are switched off, then the next run pauses the schedule with that reason', async () => {
    const id = await create();
    const workspace = (await api.workspaces.get('ws_acme'))!;
    await api.workspaces.upsert({ ...workspace, subscription_status: 'canceled' });
    at('2026-12-07T08:00:01Z');
    await api.app.runner.tick();
    const [run] = await runsOf(id);
    assert.deepEqual([run!.outcome, run!.reason!.code], ['skipped_gate', 'subscription_required']);
    const view = (await get(`/${id}`)).body;
    assert.deepEqual([view.status, view.paused_reason.code], ['paused', 'subscription_required']);
    assert.equal(api.queue.sent.length, 0);

    await api.workspaces.upsert({ ...workspace, features: { cross_channel_analytics: false } });
    // Active again, as if resumed just before the switch went off; due a week later.
    await api.schedules.update('ws_acme', id, {
      status: 'active',
      paused_reason: null,
      next_run_at: '2026-12-14T08:00:00.000Z',
    });
    at('2026-12-14T08:00:01Z');
    await api.app.runner.tick();
    const paused = (await api.schedules.get('ws_acme', id))!;
    assert.equal(paused.paused_reason!.code, 'cross_channel_disabled');
    assert.equal(api.queue.sent.length, 0);
  });

  it('when a downgrade leaves more schedules than the plan allows, then the newest pause and the oldest run', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await create({ name: `Report ${i}` }));
      at(new Date(now.getTime() + 1000).toISOString());
    }
    const workspace = (await api.workspaces.get('ws_acme'))!;
    const { PLANS } = await import('../../src/domain/workspace.ts');
    const pro = PLANS.pro.scheduled_exports;
    (PLANS.pro as { scheduled_exports: number }).scheduled_exports = 2;
    try {
      await api.workspaces.upsert(workspace);
      at('2026-12-07T08:00:01Z');
      await api.app.runner.tick();
      const statuses = await Promise.all(ids.map(async (id) => (await get(`/${id}`)).body));
      assert.deepEqual(
        statuses.map((s) => [s.status, s.paused_reason?.code ?? null]),
        [
          ['active', null],
          ['active', null],
          ['paused', 'plan_limit'],
        ],
      );
    } finally {
      (PLANS.pro as { scheduled_exports: number }).scheduled_exports = pro;
    }
  });

  it('when the monthly quota is used up, then the run is recorded skipped_quota with the reason', async () => {
    const id = await create();
    const used = await api.app.requests.quota((await api.workspaces.get('ws_acme'))!);
    const { job } = await import('../factories.ts');
    for (let i = 0; i < used.remaining!; i++)
      await api.jobs.create(
        job({
          job_id: `quota_${i}`,
          workspace_id: 'ws_acme',
          created_at: '2026-12-01T00:00:00.000Z',
        }),
      );
    at('2026-12-07T08:00:01Z');
    await api.app.runner.tick();
    const [run] = await runsOf(id);
    assert.deepEqual([run!.outcome, run!.reason!.code], ['skipped_quota', 'export_quota_exceeded']);
    assert.equal((await get(`/${id}`)).body.status, 'active', 'the quota renews: no pause');
  });

  it('when a paused schedule resumes, then its next run counts from now, with no backlog', async () => {
    const id = await create({ recurrence: { frequency: 'daily', time: '09:00' } });
    assert.equal((await post(`/${id}/pause`)).body.paused_reason.code, 'paused_by_user');
    at('2026-12-10T12:00:00Z');
    const resumed = (await post(`/${id}/resume`)).body;
    assert.equal(resumed.status, 'active');
    assert.equal(resumed.next_runs[0], '2026-12-11T09:00:00+01:00');
    assert.deepEqual(await api.app.runner.tick(), { fired: 0, repaired: 0 });
    assert.deepEqual(await runsOf(id), []);
  });

  it('when "run now" is asked, then a job is made at once and the timetable stays', async () => {
    const id = await create();
    const res = await post(`/${id}/run`);
    assert.equal(res.status, 202);
    assert.equal(res.headers.location, `/api/v1/analytics/export/${res.body.job_id}`);
    const [run] = await runsOf(id);
    assert.equal(run!.job_id, res.body.job_id);
    // Run on Sunday 6 December: the previous week is 23 to 29 November.
    assert.deepEqual([run!.since, run!.until], ['2026-11-23', '2026-11-29']);
    assert.equal((await get(`/${id}`)).body.next_runs[0], '2026-12-07T09:00:00+01:00');
    at('2026-12-06T11:05:00Z');
    const again = await post(`/${id}/run`);
    assert.equal(again.status, 409, 'the first is still going');
    assert.equal(again.body.error.code, 'previous_run_unfinished');
  });

  it('when due schedules of a big and a small workspace fire together, then jobs alternate between workspaces', async () => {
    const acme = (await api.workspaces.get('ws_acme'))!;
    await api.workspaces.upsert({ ...acme, workspace_id: 'ws_beta', name: 'Beta' });
    for (let i = 0; i < 4; i++) await create({ name: `Acme ${i}` });
    for (let i = 0; i < 2; i++) await create({ name: `Beta ${i}` }, 'ws_beta');
    at('2026-12-07T08:00:01Z');
    await api.app.runner.tick();
    const order = api.queue.sent.map((s) => s.job.workspace_id);
    // Whichever goes first, the two take turns while both have runs left.
    const [first, second] =
      order[0] === 'ws_acme' ? ['ws_acme', 'ws_beta'] : ['ws_beta', 'ws_acme'];
    assert.deepEqual(order.slice(0, 4), [first, second, first, second]);
    assert.deepEqual(order.slice(4), ['ws_acme', 'ws_acme']);
  });
});
