import { DEFAULT_CSV_LAYOUT } from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import type { Job } from '../src/domain/job.ts';
import type { Schedule, ScheduleRun } from '../src/domain/schedule.ts';

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

/** Monday 6 January 2031, 08:mm UTC: the schedules' fixed clock. */
const minuteOf = (minute: number) => new Date(Date.UTC(2031, 0, 6, 8, minute)).toISOString();

/** A weekly CSV schedule of `workspace`, due at `next_run_at`; `overrides` say more. */
export function schedule(workspace: string, overrides: Partial<Schedule> = {}): Schedule {
  return {
    schedule_id: `sch_${randomUUID()}`,
    workspace_id: workspace,
    name: 'Weekly client report',
    export: {
      format: 'CSV',
      platforms: ['meta'],
      target_currency: 'EUR',
      compare_previous: false,
      csv_bom: false,
    },
    range: 'previous_week',
    recurrence: { frequency: 'weekly', days: ['MON'], time: '09:00' },
    timezone: 'Europe/Berlin',
    status: 'active',
    paused_reason: null,
    next_run_at: minuteOf(0),
    last_run: null,
    owner: { user_id: 'user_a', role: 'admin' },
    created_at: minuteOf(0),
    updated_at: minuteOf(0),
    ...overrides,
  };
}

/** A run of `of`, pending, for its time; `firedAt` when it was written. */
export function scheduleRun(
  of: Schedule,
  scheduledFor: string,
  firedAt = scheduledFor,
): ScheduleRun {
  return {
    run_id: `run_${randomUUID()}`,
    schedule_id: of.schedule_id,
    workspace_id: of.workspace_id,
    scheduled_for: scheduledFor,
    fired_at: firedAt,
    outcome: 'pending',
    reason: null,
    job_id: null,
    since: '2030-12-30',
    until: '2031-01-05',
  };
}
