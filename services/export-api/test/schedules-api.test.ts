import assert from 'node:assert/strict';
import { contractCheckedHttp } from './openapi-contract.ts';
import { startHarness, type Harness } from './harness.ts';

/**
 * The schedules API against real emulators, every answer checked against the OpenAPI document:
 * who may do what, the plan's limits, every invalid field at once, and the workspace on each
 * export message as its SQS group.
 */
describe('the schedules API', function () {
  this.timeout(30_000);
  let h: Harness;
  const http = contractCheckedHttp(() => h.app.koa.callback());
  const body = {
    name: 'Weekly client report',
    export: { platforms: ['meta', 'google'], format: 'PDF', target_currency: 'EUR' },
    range: 'previous_week',
    recurrence: { frequency: 'weekly', days: ['MON'], time: '09:00' },
    timezone: 'Europe/Berlin',
  };

  before(async () => (h = await startHarness()));
  after(() => h.close());

  const as = async (workspace: string, role = 'admin') =>
    `Bearer ${await h.token(workspace, role)}`;
  const create = async (workspace = 'ws_acme', overrides: Record<string, unknown> = {}) =>
    http()
      .post('/api/v1/analytics/schedules')
      .set('Authorization', await as(workspace))
      .send({ ...body, ...overrides });

  it('when a body has several problems, then one 400 lists every field, unknown ones by name', async () => {
    const res = await create('ws_acme', {
      name: '',
      range: 'last_year',
      recurrence: { frequency: 'weekly', time: '9am' },
      export: { ...body.export, since: '2026-01-01', colour: 'red' },
      extra: true,
    });
    assert.equal(res.status, 400);
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    assert.deepEqual(fields, [
      'export.colour',
      'export.since',
      'extra',
      'name',
      'range',
      'recurrence.days',
      'recurrence.time',
    ]);
  });

  it('when a viewer reads and tries to change, then reading works and changing is 403 insufficient_role', async () => {
    const created = await create();
    assert.equal(created.status, 201);
    const viewer = await as('ws_acme', 'viewer');
    const id = created.body.schedule_id as string;
    assert.equal(
      (await http().get(`/api/v1/analytics/schedules/${id}`).set('Authorization', viewer)).status,
      200,
    );
    assert.equal(
      (await http().get('/api/v1/analytics/schedules').set('Authorization', viewer)).status,
      200,
    );
    for (const [method, path] of [
      ['post', ''],
      ['post', `/${id}/pause`],
      ['post', `/${id}/run`],
      ['delete', `/${id}`],
    ] as const) {
      const agent = http();
      const send = method === 'post' ? agent.post.bind(agent) : agent.delete.bind(agent);
      const res = await send(`/api/v1/analytics/schedules${path}`)
        .set('Authorization', viewer)
        .send(body);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.reason, 'insufficient_role');
    }
    await http()
      .delete(`/api/v1/analytics/schedules/${id}`)
      .set('Authorization', await as('ws_acme'));
  });

  it('when the plan has no schedules or they are all in use, then 403 with the reason and the limit', async () => {
    const starter = await create('ws_kumo');
    assert.equal(starter.status, 403);
    assert.equal(starter.body.reason, 'plan_excludes_schedules');
    const noSubscription = await create('ws_nova');
    assert.equal(noSubscription.body.reason, 'subscription_required');
    // Pro: 10. Fill what is left, then one more.
    const { body: listed } = await http()
      .get('/api/v1/analytics/schedules?limit=100')
      .set('Authorization', await as('ws_acme'));
    for (let i = listed.schedules.length; i < 10; i++) assert.equal((await create()).status, 201);
    const over = await create();
    assert.equal(over.status, 403);
    assert.equal(over.body.reason, 'schedule_limit_reached');
    assert.equal(over.body.limit, 10);
    // A page at a time, newest first, all ten.
    const first = await http()
      .get('/api/v1/analytics/schedules?limit=6')
      .set('Authorization', await as('ws_acme'));
    const second = await http()
      .get(`/api/v1/analytics/schedules?limit=6&cursor=${first.body.next_cursor}`)
      .set('Authorization', await as('ws_acme'));
    assert.equal(first.body.schedules.length + second.body.schedules.length, 10);
    assert.equal(second.body.next_cursor, null);
  });

  it('when another workspace asks for a schedule, then 404, never a hint that it exists', async () => {
    const { body: page } = await http()
      .get('/api/v1/analytics/schedules')
      .set('Authorization', await as('ws_acme'));
    const id = page.schedules[0].schedule_id as string;
    const res = await http()
      .get(`/api/v1/analytics/schedules/${id}`)
      .set('Authorization', await as('ws_kumo'));
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'schedule_not_found');
  });

  it('when a schedule is patched, then the result is validated whole and its timetable follows', async () => {
    const { body: page } = await http()
      .get('/api/v1/analytics/schedules')
      .set('Authorization', await as('ws_acme'));
    const id = page.schedules[0].schedule_id as string;
    const path = `/api/v1/analytics/schedules/${id}`;
    const bad = await http()
      .patch(path)
      .set('Authorization', await as('ws_acme'))
      .send({ recurrence: { frequency: 'monthly', time: '07:30' }, status: 'paused' });
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.body.error.details as { field: string }[]).map((d) => d.field).sort(), [
      'recurrence.day',
      'status',
    ]);
    const good = await http()
      .patch(path)
      .set('Authorization', await as('ws_acme'))
      .send({
        recurrence: { frequency: 'monthly', day: 31, time: '07:30' },
        timezone: 'Asia/Kolkata',
      });
    assert.equal(good.status, 200);
    assert.match(good.body.next_runs[0], /T07:30:00\+05:30$/);
    assert.equal(good.body.name, body.name, 'fields not sent are kept');
    // A PDF schedule refuses CSV layout fields, as the export POST does.
    const layout = await http()
      .patch(path)
      .set('Authorization', await as('ws_acme'))
      .send({ export: { ...body.export, dimensions: ['campaign'] } });
    assert.equal(layout.status, 400);
    assert.equal(layout.body.error.details[0].field, 'export.dimensions');
  });

  it('when a job is sent to report-builder, then its message carries the workspace as MessageGroupId', async () => {
    // fauxqs accepts a group id on a standard queue and drops it (AWS keeps it for fair queues),
    // so the request is read as the SDK sends it, on the real client the adapters use.
    const sent: { QueueUrl?: string; MessageGroupId?: string; MessageBody?: string }[] = [];
    h.clients.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageCommand')
          sent.push(args.input as (typeof sent)[number]);
        return next(args);
      },
      { step: 'initialize', name: 'recordSends' },
    );
    try {
      const accepted = await http()
        .post('/api/v1/analytics/export')
        .set('Authorization', await as('ws_acme'))
        .send({
          since: '2026-11-01',
          until: '2026-11-07',
          platforms: ['meta'],
          format: 'CSV',
          target_currency: 'EUR',
        });
      assert.equal(accepted.status, 202);
      const message = sent.find((m) => m.MessageBody?.includes(accepted.body.job_id as string));
      assert.equal(message?.QueueUrl, h.resources.EXPORT_JOBS_QUEUE_URL);
      assert.equal(message?.MessageGroupId, 'ws_acme');
    } finally {
      h.clients.sqs.middlewareStack.remove('recordSends');
    }
  });
});
