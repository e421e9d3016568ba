import {
  DEFAULT_PREVIEW_RUNS,
  MAX_FAILED_RUNS_IN_A_ROW,
  type JobStatus,
  type PauseReason,
  type Recurrence,
  type RunOutcome,
  type ScheduleRange,
  type ScheduleRunView,
  type ScheduleStatus,
  type ScheduleView,
} from '@wevion/shared';
import type { Role } from './user.ts';
import { isoWithOffset, nextRuns } from './schedule-time.ts';

export type ScheduleExport = ScheduleView['export'];

/** What a client sets on a schedule; the rest (status, next run, runs) the service keeps. */
export interface ScheduleInput {
  name: string;
  export: ScheduleExport;
  range: ScheduleRange;
  recurrence: Recurrence;
  timezone: string;
}

/** A stored schedule. Instants are ISO strings (UTC). */
export interface Schedule {
  schedule_id: string;
  workspace_id: string;
  name: string;
  export: ScheduleExport;
  range: ScheduleRange;
  recurrence: Recurrence;
  timezone: string;
  status: ScheduleStatus;
  paused_reason: { code: PauseReason; message: string } | null;
  /**
   * The next run's instant while active, null while paused. Firing moves it on by a
   * compare-and-set, so of all the export-api tasks exactly one advances each due time.
   */
  next_run_at: string | null;
  /** The latest run with an outcome, for the list and the overlap check. */
  last_run: ScheduleRun | null;
  /** Whose runs they are: the user who last created or changed the schedule. */
  owner: { user_id: string; role: Role; name?: string };
  created_at: string;
  updated_at: string;
}

export type SchedulePatch = Partial<
  Pick<
    Schedule,
    | 'name'
    | 'export'
    | 'range'
    | 'recurrence'
    | 'timezone'
    | 'status'
    | 'paused_reason'
    | 'next_run_at'
    | 'last_run'
    | 'owner'
    | 'updated_at'
  >
>;

/** One run: unique per schedule and scheduled time, which is what makes each run happen once. */
export interface ScheduleRun {
  run_id: string;
  schedule_id: string;
  workspace_id: string;
  scheduled_for: string;
  fired_at: string;
  outcome: RunOutcome;
  reason: { code: string; message: string } | null;
  job_id: string | null;
  /** The dates the run exports, resolved from `scheduled_for` when the run row is written. */
  since: string;
  until: string;
}

/** The idempotency key of a run's job: a retried or repaired run finds its job, never a second. */
export const runIdempotencyKey = (run: Pick<ScheduleRun, 'schedule_id' | 'scheduled_for'>) =>
  `schedule:${run.schedule_id}:${run.scheduled_for}`;

/**
 * What is due now, from a schedule's `next_run_at`: the latest time at or before `now` fires; the
 * earlier ones (every export-api was down through them) are recorded `missed`, never run as a
 * burst. `next` is the first time after `now`. At most `maxMissed` missed times are listed.
 */
export function dueRuns(
  schedule: Pick<Schedule, 'next_run_at' | 'recurrence' | 'timezone'>,
  now: Date,
  maxMissed = 100,
): { fire: Date; missed: Date[]; next: Date } | null {
  if (!schedule.next_run_at || Date.parse(schedule.next_run_at) > now.getTime()) return null;
  const times = [new Date(schedule.next_run_at)];
  for (;;) {
    const [after] = nextRuns(schedule.recurrence, schedule.timezone, times.at(-1)!, 1);
    if (!after || after.toMillis() > now.getTime()) {
      const fire = times.pop()!;
      const next = after ? after.toJSDate() : nextAfter(schedule, now);
      return { fire, missed: times.slice(-maxMissed), next };
    }
    times.push(after.toJSDate());
    // A schedule down for years: keep the newest times only, the count stays bounded.
    if (times.length > maxMissed + 1) times.shift();
  }
}

/** The first run strictly after `instant`. */
export function nextAfter(
  schedule: Pick<Schedule, 'recurrence' | 'timezone'>,
  instant: Date,
): Date {
  return nextRuns(schedule.recurrence, schedule.timezone, instant, 1)[0]!.toJSDate();
}

/**
 * Due schedules in the order their jobs are created: one of each workspace in turn, so a
 * workspace with a hundred due schedules cannot put every other workspace's run behind its own.
 */
export function alternateWorkspaces<T extends { workspace_id: string }>(due: readonly T[]): T[] {
  const queues = new Map<string, T[]>();
  for (const item of due) {
    const queue = queues.get(item.workspace_id);
    if (queue) queue.push(item);
    else queues.set(item.workspace_id, [item]);
  }
  const order: T[] = [];
  while (queues.size) {
    for (const [workspace, queue] of queues) {
      order.push(queue.shift()!);
      if (!queue.length) queues.delete(workspace);
    }
  }
  return order;
}

/**
 * Failed runs in a row, newest first: the statuses of the runs' jobs, stopping at the first that
 * completed. Runs still going or without a job do not break a streak nor add to it.
 */
export function failedInARow(jobStatuses: readonly (JobStatus | null)[]): number {
  let failed = 0;
  for (const status of jobStatuses) {
    if (status === 'COMPLETED') break;
    if (status === 'FAILED') failed += 1;
  }
  return failed;
}

/** What a paused schedule says, by reason: what happened and what to do. */
export const PAUSE_MESSAGES: Readonly<Record<PauseReason, string>> = {
  paused_by_user: 'Paused by a user; resume it to run again.',
  repeated_failures: `Paused after ${MAX_FAILED_RUNS_IN_A_ROW} failed runs in a row; read the last run's error, then resume.`,
  subscription_required:
    'Paused: exports need an active subscription. Check your plan at /settings/team/billing, then resume.',
  cross_channel_disabled:
    'Paused: cross-channel analytics were switched off for this workspace; resume once they are back on.',
  plan_limit:
    'Paused: the workspace has more schedules than its plan allows, and the newest pause first. Upgrade or delete a schedule, then resume.',
};

export const pausesForFailures = (failed: number) => failed >= MAX_FAILED_RUNS_IN_A_ROW;

export function runView(run: ScheduleRun, jobStatus: JobStatus | null): ScheduleRunView {
  return {
    scheduled_for: run.scheduled_for,
    fired_at: run.fired_at,
    outcome: run.outcome,
    reason: run.reason,
    job_id: run.job_id,
    job_status: jobStatus,
    since: run.since,
    until: run.until,
  };
}

/** A schedule as the API shows it: its next runs start at the stored next run. */
export function scheduleView(schedule: Schedule, lastJobStatus: JobStatus | null): ScheduleView {
  // Just before the stored time, so that time itself is the first listed.
  const from = schedule.next_run_at ? new Date(Date.parse(schedule.next_run_at) - 1) : null;
  return {
    schedule_id: schedule.schedule_id,
    name: schedule.name,
    export: schedule.export,
    range: schedule.range,
    recurrence: schedule.recurrence,
    timezone: schedule.timezone,
    status: schedule.status,
    paused_reason: schedule.paused_reason,
    next_runs:
      schedule.status === 'active' && from
        ? nextRuns(schedule.recurrence, schedule.timezone, from, DEFAULT_PREVIEW_RUNS).map(
            isoWithOffset,
          )
        : [],
    last_run: schedule.last_run && runView(schedule.last_run, lastJobStatus),
    created_by: schedule.owner.user_id,
    created_at: schedule.created_at,
    updated_at: schedule.updated_at,
  };
}
