import assert from 'node:assert/strict';
import { SCHEDULE_PREVIEW_REQUEST_EXAMPLE } from '../../src/http/openapi/examples.ts';
import { fakeExportApi } from '../fakes/fake-export-api.ts';
import { contractCheckedHttp } from '../openapi-contract.ts';

const PREVIEW = '/api/v1/analytics/schedules/preview';

/** POST …/schedules/preview: a schedule's next runs, nothing saved (export-api on fakes). */
describe('previewing a schedule', () => {
  const api = fakeExportApi();
  // Every answer, and every body the API accepts, is checked against the OpenAPI document.
  const http = contractCheckedHttp(() => api.app.koa.callback());
  const post = async (body: unknown, workspace = 'ws_acme', role = 'admin') =>
    http()
      .post(PREVIEW)
      .set('Authorization', `Bearer ${await api.token(workspace, role)}`)
      .send(body as object);
  const { from: _from, timezone: _zone, ...withoutTimes } = SCHEDULE_PREVIEW_REQUEST_EXAMPLE;

  it('when a weekly schedule is previewed from an instant, then its next three Mondays at 09:00 Berlin time come back', async () => {
    const answer = await post(SCHEDULE_PREVIEW_REQUEST_EXAMPLE);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.next_runs, [
      '2026-12-07T09:00:00+01:00',
      '2026-12-14T09:00:00+01:00',
      '2026-12-21T09:00:00+01:00',
    ]);
  });

  it('when no zone is given, then the workspace’s is used; count bounds how many runs come back', async () => {
    const tokyo = await post(
      { ...withoutTimes, from: '2026-12-06T00:00:00Z', count: 5 },
      'ws_kumo',
    );
    assert.equal(tokyo.status, 200, JSON.stringify(tokyo.body));
    assert.equal(tokyo.body.next_runs.length, 5);
    assert.ok(tokyo.body.next_runs.every((run: string) => run.endsWith('T09:00:00+09:00')));
  });

  it('when a viewer previews, then the answer is the same: reading a timetable changes nothing', async () => {
    assert.equal((await post(SCHEDULE_PREVIEW_REQUEST_EXAMPLE, 'ws_acme', 'viewer')).status, 200);
  });

  it('when fields are invalid, then 400 lists every one by name', async () => {
    const answer = await post({
      ...SCHEDULE_PREVIEW_REQUEST_EXAMPLE,
      export: { ...SCHEDULE_PREVIEW_REQUEST_EXAMPLE.export, since: '2026-11-01' },
      range: 'last_year',
      recurrence: { frequency: 'weekly', time: '25:00' },
      count: 51,
      colour: 'blue',
    });
    assert.equal(answer.status, 400);
    const fields = (answer.body.error.details as { field: string }[]).map((d) => d.field).sort();
    assert.deepEqual(fields, [
      'colour',
      'count',
      'export.since',
      'range',
      'recurrence.days',
      'recurrence.time',
    ]);
  });

  it('when cross-channel analytics are off for the workspace, then 404 as for every export endpoint', async () => {
    assert.equal((await post(SCHEDULE_PREVIEW_REQUEST_EXAMPLE, 'ws_lotus')).status, 404);
  });
});
