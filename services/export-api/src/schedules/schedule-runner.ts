import { AppError, type JobStatus, type JobWarning, type PauseReason } from '@wevion/shared';
import { createHash, randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import {
  alternateWorkspaces,
  dueRuns,
  failedInARow,
  PAUSE_MESSAGES,
  pausesForFailures,
  runIdempotencyKey,
  type Schedule,
  type ScheduleRun,
} from '../domain/schedule.ts';
import { resolveRange } from '../domain/schedule-range.ts';
import { canExport, type User } from '../domain/user.ts';
import { scheduleEvent } from '../domain/webhook.ts';
import {
  crossChannelEnabled,
  hasActiveSubscription,
  PLANS,
  type Workspace,
} from '../domain/workspace.ts';
import type { ExportRequests } from '../export-requests.ts';
import { GateError } from '../gate-error.ts';
import type { JobStore, ScheduleStore, WorkspaceStore } from '../ports.ts';
import type { WebhookOutbox } from '../webhooks/webhook-outbox.ts';

export interface ScheduleRunnerOptions {
  crossChannelEnabled: boolean;
  /** Due schedules read per store query; a round reads again until none is left. */
  batchSize: number;
  /** A run still `pending` this long after it was written lost its process: it is repaired. */
  pendingLeaseMs: number;
  /** A run that could not start for this long is given up, recorded `missed`. */
  giveUpAfterMs: number;
}

export interface ScheduleRunnerDeps {
  schedules: ScheduleStore;
  jobs: Pick<JobStore, 'get'>;
  workspaces: Pick<WorkspaceStore, 'get'>;
  requests: Pick<ExportRequests, 'requestExport'>;
  events: Pick<WebhookOutbox, 'scheduleEvent'>;
  clock?: () => Date;
}

type Outcome = Pick<ScheduleRun, 'outcome' | 'reason' | 'job_id'>;

/** Jobs created at once by one round: enough to fire hundreds in seconds, few store writers. */
const FIRES_IN_FLIGHT = 8;
/** Rounds of due schedules one tick reads at most, so a store that keeps failing cannot spin it. */
const MAX_BATCHES_PER_TICK = 20;
/** Recent runs read for a failure streak: more than the streak that pauses. */
const STREAK_WINDOW = 10;

const unfinished = (status: JobStatus | undefined) => status === 'PENDING' || status === 'RUNNING';

/**
 * Fires due schedules. Every export-api task runs it; nothing is held in memory between ticks.
 * Each due time is written as a run row first (unique per schedule and time), then claimed by a
 * compare-and-set of `next_run_at`; the claimer creates the run's job with the idempotency key
 * `schedule:<id>:<scheduled_for>`. A crash anywhere leaves a `pending` run that the next tick of
 * any task repairs, and the key turns a repeated attempt into the same job.
 */
export class ScheduleRunner {
  private readonly now: () => Date;

  constructor(
    private readonly options: ScheduleRunnerOptions,
    private readonly deps: ScheduleRunnerDeps,
  ) {
    this.now = deps.clock ?? (() => new Date());
  }

  /** One round: repair runs a crash left behind, then fire everything due. */
  async tick(): Promise<{ fired: number; repaired: number }> {
    const repaired = await this.repairPending();
    let fired = 0;
    const limit = pLimit(FIRES_IN_FLIGHT);
    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch += 1) {
      const now = this.now();
      const due = await this.deps.schedules.findDue(now.toISOString(), this.options.batchSize);
      // One workspace at a time in turn: a big workspace's burst does not go first.
      const results = await Promise.allSettled(
        alternateWorkspaces(due).map((schedule) => limit(() => this.fireDue(schedule, now))),
      );
      fired += results.filter((r) => r.status === 'fulfilled' && r.value).length;
      // A run that failed to start stays pending for the repair; the round reports it once every
      // other run of the read has been tried.
      const failure = results.find((r) => r.status === 'rejected');
      if (failure) throw failure.reason;
      if (due.length < this.options.batchSize) break;
    }
    return { fired, repaired };
  }

  /** Writes the due time's run (and the missed ones), claims it, fires it. */
  private async fireDue(schedule: Schedule, now: Date): Promise<boolean> {
    const due = dueRuns(schedule, now);
    if (!due) return false;
    for (const missed of due.missed)
      await this.deps.schedules.addRun({
        ...this.newRun(schedule, missed, now),
        outcome: 'missed',
        reason: {
          code: 'missed',
          message: `No export-api task was running at ${missed.toISOString()}; the latest missed time ran instead, once.`,
        },
      });
    await this.deps.schedules.addRun(this.newRun(schedule, due.fire, now));
    const claimed = await this.deps.schedules.update(
      schedule.workspace_id,
      schedule.schedule_id,
      { next_run_at: due.next.toISOString() },
      { next_run_at: schedule.next_run_at },
    );
    // Another task claimed this time: it fires the run (or, if it dies, the repair does).
    if (!claimed) return false;
    const run = await this.deps.schedules.getRun(schedule.schedule_id, due.fire.toISOString());
    if (run?.outcome !== 'pending') return false;
    await this.fire(claimed, run);
    return true;
  }

  private newRun(schedule: Schedule, scheduledFor: Date, now: Date): ScheduleRun {
    const { since, until } = resolveRange(schedule.range, scheduledFor, schedule.timezone);
    return {
      run_id: `run_${randomUUID()}`,
      schedule_id: schedule.schedule_id,
      workspace_id: schedule.workspace_id,
      scheduled_for: scheduledFor.toISOString(),
      fired_at: now.toISOString(),
      outcome: 'pending',
      reason: null,
      job_id: null,
      since,
      until,
    };
  }

  /**
   * Runs left `pending` past their lease (their task died between the run row and the job):
   * fired again, which the idempotency key makes safe; given up as `missed` when too old.
   */
  private async repairPending(): Promise<number> {
    const now = this.now();
    const stale = await this.deps.schedules.findPendingRuns(
      new Date(now.getTime() - this.options.pendingLeaseMs).toISOString(),
      this.options.batchSize,
    );
    for (const run of stale) {
      const schedule = await this.deps.schedules.get(run.workspace_id, run.schedule_id);
      if (schedule && now.getTime() - Date.parse(run.scheduled_for) < this.options.giveUpAfterMs)
        await this.fire(schedule, run);
      else
        await this.record(schedule, run, {
          outcome: 'missed',
          reason: {
            code: 'run_not_started',
            message: 'The run could not start in time and was given up.',
          },
          job_id: null,
        });
    }
    return stale.length;
  }

  /** Decides the run (a job, or why not) and records its outcome, once. */
  private async fire(schedule: Schedule, run: ScheduleRun): Promise<void> {
    await this.record(schedule, run, await this.decide(schedule, run, { manual: false }));
  }

  /**
   * "Run now": a run at this instant outside the timetable (which stays as it is), through the
   * same gates; a run that makes no job answers why, as the export POST would.
   */
  async runNow(schedule: Schedule): Promise<{ job_id: string }> {
    const now = this.now();
    const fresh = this.newRun(schedule, now, now);
    // Two clicks in one millisecond are one run.
    const run = (await this.deps.schedules.addRun(fresh))
      ? fresh
      : (await this.deps.schedules.getRun(schedule.schedule_id, fresh.scheduled_for))!;
    const outcome =
      run.outcome === 'pending' ? await this.decide(schedule, run, { manual: true }) : run;
    await this.record(schedule, run, outcome);
    if (outcome.job_id) return { job_id: outcome.job_id };
    const { code, message } = outcome.reason!;
    if (outcome.outcome === 'skipped_quota') throw new GateError(code, message, 429);
    if (outcome.outcome === 'skipped_overlap')
      throw new AppError(code, message, { status: 409, extra: { reason: code } });
    throw new GateError(code, message);
  }

  private async record(schedule: Schedule | null, run: ScheduleRun, outcome: Outcome) {
    if (!(await this.deps.schedules.recordRun(run.run_id, outcome)) || !schedule) return;
    const latest = await this.deps.schedules.get(schedule.workspace_id, schedule.schedule_id);
    // A repaired older run never hides a newer one in the list.
    if (latest && (latest.last_run?.scheduled_for ?? '') <= run.scheduled_for)
      await this.deps.schedules.update(schedule.workspace_id, schedule.schedule_id, {
        last_run: { ...run, ...outcome },
      });
  }

  /**
   * The run's outcome: a job, or why not. Throws when the job could not be created for a reason
   * that may pass (the store, the queue): the run stays `pending` and the repair tries again.
   * A manual run may run a paused schedule.
   */
  private async decide(
    schedule: Schedule,
    run: ScheduleRun,
    { manual }: { manual: boolean },
  ): Promise<Outcome> {
    const skipped = (outcome: Outcome['outcome'], code: string, message: string): Outcome => ({
      outcome,
      reason: { code, message },
      job_id: null,
    });
    if (schedule.status !== 'active' && !manual)
      return skipped('skipped_gate', 'schedule_paused', 'The schedule was paused before it ran.');
    const workspace = await this.deps.workspaces.get(schedule.workspace_id);
    if (!workspace)
      return skipped('skipped_gate', 'workspace_not_found', 'The workspace no longer exists.');
    // The previous run's job, read once: the overlap check and the failure backstop need it.
    const previous = schedule.last_run;
    const previousJob =
      previous?.job_id && previous.scheduled_for !== run.scheduled_for
        ? await this.deps.jobs.get(previous.job_id)
        : null;
    // The streak is counted only after a failed job: most runs cost no read of the history.
    const pause =
      (await this.gatePause(workspace, schedule)) ??
      (!manual && previousJob?.status === 'FAILED' ? await this.failurePause(schedule) : null);
    if (pause) {
      await this.pause(schedule, pause);
      return skipped('skipped_gate', pause, PAUSE_MESSAGES[pause]);
    }
    if (previousJob && unfinished(previousJob.status))
      return skipped(
        'skipped_overlap',
        'previous_run_unfinished',
        `The run of ${previous!.scheduled_for} (job ${previousJob.job_id}) is still ${previousJob.status}.`,
      );
    const owner: User = { ...schedule.owner, workspace_id: schedule.workspace_id };
    if (!canExport(owner))
      return skipped('skipped_gate', 'insufficient_role', 'Viewers cannot export.');
    const { capped } = resolveRange(schedule.range, new Date(run.scheduled_for), schedule.timezone);
    const { format, ...exportFields } = schedule.export;
    const key = runIdempotencyKey(run);
    try {
      const { job } = await this.deps.requests.requestExport(
        owner,
        workspace,
        format,
        { ...exportFields, since: run.since, until: run.until, timezone: schedule.timezone },
        // The key names the run: whatever the schedule says by a repair, its first job stands.
        { key, requestHash: createHash('sha256').update(key).digest('hex') },
        {
          schedule_id: schedule.schedule_id,
          schedule_name: schedule.name,
          warnings: capped ? [capped] : ([] as JobWarning[]),
        },
      );
      return { outcome: 'job', reason: null, job_id: job.job_id };
    } catch (error) {
      if (error instanceof AppError && error.status === 429)
        return skipped('skipped_quota', error.code, error.message);
      throw error;
    }
  }

  /** A gate that pauses the schedule: the plan, the subscription, the feature switch. */
  private async gatePause(workspace: Workspace, schedule: Schedule): Promise<PauseReason | null> {
    if (!crossChannelEnabled(workspace, this.options.crossChannelEnabled))
      return 'cross_channel_disabled';
    if (!hasActiveSubscription(workspace)) return 'subscription_required';
    // After a downgrade, the oldest schedules keep running up to the plan's number.
    const active = await this.deps.schedules.activeIds(workspace.workspace_id);
    const position = active.indexOf(schedule.schedule_id);
    return position >= PLANS[workspace.plan].scheduled_exports ? 'plan_limit' : null;
  }

  /** The backstop for a streak whose last job ended while no task was told of it. */
  private async failurePause(schedule: Schedule): Promise<PauseReason | null> {
    return pausesForFailures(await this.failureStreak(schedule)) ? 'repeated_failures' : null;
  }

  private async failureStreak(schedule: Schedule): Promise<number> {
    const runs = await this.deps.schedules.runs(schedule.schedule_id, STREAK_WINDOW);
    const statuses = await Promise.all(
      runs.map(async (r) =>
        r.job_id ? ((await this.deps.jobs.get(r.job_id))?.status ?? null) : null,
      ),
    );
    return failedInARow(statuses);
  }

  /** Pauses an active schedule with its reason (once) and tells the workspace's webhooks. */
  async pause(schedule: Schedule, reason: PauseReason): Promise<void> {
    if (schedule.status !== 'active') return;
    const at = this.now();
    const paused = await this.deps.schedules.update(
      schedule.workspace_id,
      schedule.schedule_id,
      {
        status: 'paused',
        paused_reason: { code: reason, message: PAUSE_MESSAGES[reason] },
        next_run_at: null,
        updated_at: at.toISOString(),
      },
      { next_run_at: schedule.next_run_at },
    );
    if (!paused) return;
    const eventId = `evt_${schedule.schedule_id}_paused_${at.getTime()}`;
    await this.deps.events.scheduleEvent(
      schedule.workspace_id,
      eventId,
      'schedule.paused',
      scheduleEvent('schedule.paused', eventId, paused, null, at),
    );
  }

  /**
   * A scheduled job ended: the first failure of a streak is told to the webhooks
   * (`schedule.run_failed`, once per streak), and the streak's third pauses the schedule.
   */
  async jobEnded(jobId: string): Promise<void> {
    const job = await this.deps.jobs.get(jobId);
    if (!job?.schedule_id || job.status !== 'FAILED') return;
    const schedule = await this.deps.schedules.get(job.workspace_id, job.schedule_id);
    if (!schedule) return;
    const streak = await this.failureStreak(schedule);
    if (streak === 1) {
      const eventId = `evt_${schedule.schedule_id}_run_failed_${job.job_id}`;
      const runs = await this.deps.schedules.runs(schedule.schedule_id, STREAK_WINDOW);
      const run = runs.find((r) => r.job_id === job.job_id);
      await this.deps.events.scheduleEvent(
        schedule.workspace_id,
        eventId,
        'schedule.run_failed',
        scheduleEvent(
          'schedule.run_failed',
          eventId,
          schedule,
          {
            scheduled_for: run?.scheduled_for ?? job.created_at,
            job_id: job.job_id,
            error: job.error,
          },
          this.now(),
        ),
      );
    }
    if (pausesForFailures(streak) && schedule.status === 'active')
      await this.pause(schedule, 'repeated_failures');
  }
}
