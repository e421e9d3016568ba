import assert from 'node:assert/strict';
import request from 'supertest';
import { eventually } from '@wevion/testing/polling.ts';
import { fakeExportApi } from '../fakes/fake-export-api.ts';

/** export-api's use cases wired as in production, every port a fake: fast, no emulator. */
describe('export-api on fakes', () => {
  let api: ReturnType<typeof fakeExportApi>;
  beforeEach(async () => {
    api = fakeExportApi();
    await api.app.start(0, 0);
  });
  afterEach(() => api.app.stop());

  const http = () => request(api.app.koa.callback());
  const body = {
    since: '2026-11-01',
    until: '2026-11-30',
    platforms: ['meta', 'google'],
    format: 'CSV',
    target_currency: 'EUR',
  };
  const event = (jobId: string, fields: Record<string, unknown>) =>
    api.inboxes.jobEvents.push(
      JSON.stringify({
        type: 'JOB_EVENT',
        version: 1,
        job_id: jobId,
        workspace_id: 'ws_acme',
        at: new Date().toISOString(),
        ...fields,
      }),
    );
  const file = {
    key: 'exports/ws_acme/j/attempt/report.csv',
    bytes: 120,
    rows: 3,
    sha256: 'a'.repeat(64),
    content_type: 'text/csv; charset=utf-8',
  };

  async function requestExport(): Promise<string> {
    const token = await api.token('ws_acme');
    const accepted = await http()
      .post('/api/v1/analytics/export')
      .set('Authorization', `Bearer ${token}`)
      .send(body);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    return accepted.body.job_id as string;
  }

  it('when an export is requested, then it is stored PENDING and handed to the queue once', async () => {
    const jobId = await requestExport();
    assert.equal((await api.jobs.get(jobId))!.status, 'PENDING');
    assert.deepEqual(
      api.queue.sent.map((s) => s.job.job_id),
      [jobId],
    );
    assert.equal(api.queue.sent[0]!.workspace.workspace_id, 'ws_acme');
  });

  it('when the workers report RUNNING then COMPLETED, then the job shows its file and a download link, and webhooks hear of it', async () => {
    const token = await api.token('ws_acme');
    const registered = await http()
      .post('/api/v1/workspaces/current/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({ url: 'https://hooks.example.com/in' });
    assert.equal(registered.status, 201);
    const jobId = await requestExport();
    await event(jobId, { status: 'RUNNING', progress: { stage: 'aggregating', percent: 10 } });
    await event(jobId, {
      status: 'COMPLETED',
      file: { ...file, key: `exports/ws_acme/${jobId}/a1/report.csv` },
    });
    const read = await http()
      .get(`/api/v1/analytics/export/${jobId}`)
      .set('Authorization', `Bearer ${token}`);
    assert.equal(read.body.status, 'COMPLETED');
    assert.match(read.body.download_url, /^https:\/\/files\.test\/exports\/ws_acme\//);
    const [delivery] = await eventually(async () =>
      api.webhookSender.sent.length ? api.webhookSender.sent : undefined,
    );
    assert.equal(delivery!.url, 'https://hooks.example.com/in');
    assert.equal(delivery!.headers['Wevion-Event'], 'export.completed');
    assert.equal(JSON.parse(delivery!.body).data.job_id, jobId);
  });

  it('when a job is cancelled, then the workers are told first and the job ends FAILED cancelled', async () => {
    const token = await api.token('ws_acme');
    const jobId = await requestExport();
    const cancelled = await http()
      .post(`/api/v1/analytics/export/${jobId}/cancel`)
      .set('Authorization', `Bearer ${token}`);
    assert.equal(cancelled.status, 200);
    assert.deepEqual(api.cancellations.marked, [jobId]);
    const stored = (await api.jobs.get(jobId))!;
    assert.equal(stored.status, 'FAILED');
    assert.equal(stored.error?.code, 'cancelled');
    // A late COMPLETED from a worker that missed the marker does not revive it; its file goes.
    const late = `exports/ws_acme/${jobId}/late/report.csv`;
    await event(jobId, { status: 'COMPLETED', file: { ...file, key: late } });
    assert.equal((await api.jobs.get(jobId))!.status, 'FAILED');
    assert.deepEqual(api.files.removed, [late]);
  });

  it('when a worker gives up on a job (a dead letter), then the job ends FAILED with a readable error', async () => {
    const jobId = await requestExport();
    await api.inboxes.exportJobsDeadLetters.push(
      JSON.stringify({ type: 'EXPORT_UNIFIED_REPORT', version: 1, job_id: jobId }),
    );
    const stored = (await api.jobs.get(jobId))!;
    assert.equal(stored.status, 'FAILED');
    assert.equal(stored.error?.code, 'processing_failed');
    assert.match(stored.error!.message, /report-builder gave up/);
  });

  it('when a viewer asks for an export, then 403 insufficient_role, and nothing is queued', async () => {
    const viewer = await api.token('ws_acme', 'viewer');
    const refused = await http()
      .post('/api/v1/analytics/export')
      .set('Authorization', `Bearer ${viewer}`)
      .send(body);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.reason, 'insufficient_role');
    assert.equal(api.queue.sent.length, 0);
  });

  it('when an admin uploads a logo, then the rasterized PNG is stored under the workspace', async () => {
    const token = await api.token('ws_acme');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(32),
    ]);
    const stored = await http()
      .put('/api/v1/workspaces/current/branding')
      .set('Authorization', `Bearer ${token}`)
      .attach('logo', png, { filename: 'logo.png', contentType: 'image/png' });
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    const [key] = [...api.logos.logos.keys()];
    assert.match(key!, /^branding\/ws_acme\/logo-[0-9a-f]{16}\.png$/);
    assert.equal(stored.body.branding.logo_key, key);
  });
});
