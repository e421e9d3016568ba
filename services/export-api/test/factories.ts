import { DEFAULT_CSV_LAYOUT } from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import type { Job } from '../src/domain/job.ts';

export function job(overrides: Partial<Job> = {}): Job {
  const at = overrides.created_at ?? new Date().toISOString();
  return {
    job_id: randomUUID(),
    workspace_id: 'ws_acme',
    requested_by: 'user_1',
    status: 'PENDING',
    format: 'CSV',
    params: {
      since: '2026-08-01',
      until: '2026-10-29',
      platforms: ['meta'],
      target_currency: 'EUR',
      timezone: 'Europe/Berlin',
      compare_previous: true,
      csv_bom: false,
      ...DEFAULT_CSV_LAYOUT,
    },
    progress: { stage: 'queued', percent: 0 },
    file: null,
    error: null,
    created_at: at,
    started_at: null,
    completed_at: null,
    updated_at: at,
    enqueue_attempts: 1,
    last_enqueued_at: at,
    warnings: [],
    ...overrides,
  };
}
