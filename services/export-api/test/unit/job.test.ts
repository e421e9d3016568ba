import type { JobEventMessage } from '@wevion/shared';
import assert from 'node:assert/strict';
import { applyEvent, exportFilename } from '../../src/domain/job.ts';
import { job } from '../factories.ts';

const event = (
  status: JobEventMessage['status'],
  extra: Partial<JobEventMessage> = {},
): JobEventMessage => ({
  type: 'JOB_EVENT',
  version: 1,
  job_id: 'x',
  workspace_id: 'ws_acme',
  status,
  at: '2026-11-27T10:00:00.000Z',
  ...extra,
});
const file = { key: 'k', bytes: 1, rows: 1, sha256: 'a'.repeat(64), content_type: 'text/csv' };

describe('job status rules', () => {
  it('when PENDING gets RUNNING, then it starts with the event time and progress', () => {
    const change = applyEvent(
      job(),
      event('RUNNING', { progress: { stage: 'aggregating', percent: 10 } }),
    )!;
    assert.equal(change.from, 'PENDING');
    assert.deepEqual(
      [change.patch.status, change.patch.started_at, change.patch.progress],
      ['RUNNING', '2026-11-27T10:00:00.000Z', { stage: 'aggregating', percent: 10 }],
    );
  });

  it('when RUNNING gets older progress, then nothing changes; newer progress moves it on', () => {
    const running = job({ status: 'RUNNING', progress: { stage: 'rendering', percent: 60 } });
    assert.equal(
      applyEvent(running, event('RUNNING', { progress: { stage: 'aggregating', percent: 10 } })),
      null,
    );
    assert.equal(
      applyEvent(running, event('RUNNING', { progress: { stage: 'uploading', percent: 80 } }))!
        .patch.progress!.percent,
      80,
    );
  });

  it('when rows are counted at one percent, then more rows move progress on and fewer do not', () => {
    const writing = job({
      status: 'RUNNING',
      progress: { stage: 'aggregating', percent: 10, rows: 5_000 },
    });
    const more = event('RUNNING', { progress: { stage: 'aggregating', percent: 10, rows: 9_000 } });
    assert.equal(applyEvent(writing, more)!.patch.progress!.rows, 9_000);
    const late = event('RUNNING', { progress: { stage: 'aggregating', percent: 10, rows: 4_000 } });
    assert.equal(applyEvent(writing, late), null);
  });

  it('when a job is COMPLETED or FAILED, then no event changes it again', () => {
    for (const status of ['COMPLETED', 'FAILED'] as const) {
      for (const next of ['RUNNING', 'COMPLETED', 'FAILED'] as const) {
        assert.equal(
          applyEvent(job({ status }), event(next, { file, error: { code: 'x', message: 'y' } })),
          null,
        );
      }
    }
  });

  it('when COMPLETED arrives before RUNNING (reordered delivery), then the job completes', () => {
    const change = applyEvent(job(), event('COMPLETED', { file }))!;
    assert.deepEqual(
      [change.from, change.patch.status, change.patch.file],
      ['PENDING', 'COMPLETED', file],
    );
    assert.equal(change.patch.started_at, '2026-11-27T10:00:00.000Z');
  });

  it('when FAILED arrives, then the error is kept as sent', () => {
    const change = applyEvent(
      job({ status: 'RUNNING' }),
      event('FAILED', { error: { code: 'fx_rate_missing', message: 'No USD rate' } }),
    )!;
    assert.deepEqual(change.patch.error, { code: 'fx_rate_missing', message: 'No USD rate' });
  });

  it('when a file is named, then it carries the product, the exact range and the currency', () => {
    assert.equal(exportFilename(job()), 'wevion-cross-channel_2026-08-01_2026-10-29_EUR.csv');
    assert.equal(
      exportFilename(job({ format: 'PDF' })),
      'wevion-cross-channel_2026-08-01_2026-10-29_EUR.pdf',
    );
    const before = job();
    const { dimensions: _d, metrics: _m, include_currency: _i, ...legacy } = before.params;
    assert.equal(
      exportFilename(job({ params: { ...legacy, granularity: 'daily' } })),
      'wevion-cross-channel_2026-08-01_2026-10-29_EUR.csv',
      'a job stored before layouts keeps its name',
    );
  });
});
