import type { JobEventMessage } from '@wevion/shared';
import assert from 'node:assert/strict';
import { applyEvent, exportFilename } from '../src/domain/job.ts';
import { job } from './factories.ts';

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

  it('when a file is named, then it carries the product and the exact range', () => {
    assert.equal(exportFilename(job()), 'wevion-cross-channel_2026-08-01_2026-10-29.csv');
    assert.equal(
      exportFilename(job({ format: 'PDF' })),
      'wevion-cross-channel_2026-08-01_2026-10-29.pdf',
    );
  });
});
