import { AppError, type ScheduleRunView, type ScheduleView } from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import {
  nextAfter,
  runView,
  scheduleView,
  type Schedule,
  type ScheduleInput,
  type ScheduleRun,
} from '../domain/schedule.ts';
import { canExport, type User } from '../domain/user.ts';
import { hasActiveSubscription, PLANS, type Workspace } from '../domain/workspace.ts';
import { GateError } from '../gate-error.ts';
import type { JobStore, ScheduleStore } from '../ports.ts';
import type { WorkspaceAccess } from '../workspace-access.ts';
import type { ScheduleRunner } from './schedule-runner.ts';

export interface ScheduleAdminDeps {
  schedules: ScheduleStore;
  jobs: Pick<JobStore, 'get'>;
  access: Pick<WorkspaceAccess, 'crossChannel'>;
  runner: Pick<ScheduleRunner, 'pause' | 'runNow'>;
  clock?: () => Date;
}

const notFound = (scheduleId: string) =>
  new AppError('schedule_not_found', `No schedule ${scheduleId} in your workspace.`, {
    status: 404,
  });

/** The most runs one history page shows. */
export const MAX_RUNS_LISTED = 100;

/**
 * What users do with schedules: admins and media buyers create and change them, viewers read
 * them; the plan sets how many a workspace keeps.
 */
export class ScheduleAdmin {
  private readonly now: () => Date;

  constructor(private readonly deps: ScheduleAdminDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  /** The workspace, past the feature gate (anyone in it may read its schedules). */
  workspaceFor(user: User): Promise<Workspace> {
    return this.deps.access.crossChannel(user);
  }

  /** The workspace of a user who may change schedules: admins and media buyers. */
  async editableWorkspace(user: User): Promise<Workspace> {
    const workspace = await this.workspaceFor(user);
    if (!canExport(user))
      throw new GateError(
        'insufficient_role',
        'Viewers can read schedules; ask an admin or media buyer to change them.',
      );
    return workspace;
  }

  /**
   * What starting runs needs beyond the role (create, resume, run now): an active subscription
   * and a plan with schedules. Pausing, changing and deleting need neither, so a downgraded
   * workspace can still tidy up.
   */
  runnable(workspace: Workspace): void {
    if (!hasActiveSubscription(workspace))
      throw new GateError(
        'subscription_required',
        'Scheduled exports need an active subscription. Check your plan at /settings/team/billing.',
      );
    const plan = PLANS[workspace.plan];
    if (plan.scheduled_exports === 0)
      throw new GateError(
        'plan_excludes_schedules',
        `Your ${plan.label} plan includes no scheduled exports; upgrade at /settings/team/billing.`,
      );
  }

  async create(user: User, workspace: Workspace, input: ScheduleInput): Promise<ScheduleView> {
    const now = this.now();
    const at = now.toISOString();
    const schedule: Schedule = {
      schedule_id: `sch_${randomUUID()}`,
      workspace_id: workspace.workspace_id,
      ...input,
      status: 'active',
      paused_reason: null,
      next_run_at: nextAfter(input, now).toISOString(),
      last_run: null,
      owner: ownerOf(user),
      created_at: at,
      updated_at: at,
    };
    const limit = PLANS[workspace.plan].scheduled_exports;
    if (!(await this.deps.schedules.create(schedule, limit)))
      throw this.limitReached(workspace, limit);
    return scheduleView(schedule, null);
  }

  private limitReached(workspace: Workspace, limit: number): AppError {
    const plan = PLANS[workspace.plan];
    return new AppError(
      'schedule_limit_reached',
      `Your ${plan.label} plan includes ${limit} scheduled exports and all are in use. Delete one or upgrade at /settings/team/billing.`,
      { status: 403, extra: { reason: 'schedule_limit_reached', limit } },
    );
  }

  async list(user: User, page: { limit: number; cursor?: string }) {
    await this.workspaceFor(user);
    const { schedules, nextCursor } = await this.deps.schedules.list(user.workspace_id, page);
    return {
      schedules: await Promise.all(schedules.map((s) => this.view(s))),
      next_cursor: nextCursor,
    };
  }

  async get(user: User, scheduleId: string): Promise<ScheduleView> {
    await this.workspaceFor(user);
    return this.view(await this.own(user, scheduleId));
  }

  /** The stored schedule as a client would write it, for a PATCH to change. */
  async inputOf(user: User, scheduleId: string): Promise<ScheduleInput> {
    const {
      name,
      export: exportBody,
      range,
      recurrence,
      timezone,
    } = await this.own(user, scheduleId);
    return { name, export: exportBody, range, recurrence, timezone };
  }

  /** Changes the schedule; an active one's next run is counted again from now. */
  async update(user: User, scheduleId: string, input: ScheduleInput): Promise<ScheduleView> {
    const current = await this.own(user, scheduleId);
    const now = this.now();
    const updated = await this.deps.schedules.update(user.workspace_id, scheduleId, {
      ...input,
      owner: ownerOf(user),
      ...(current.status === 'active' ? { next_run_at: nextAfter(input, now).toISOString() } : {}),
      updated_at: now.toISOString(),
    });
    if (!updated) throw notFound(scheduleId);
    return this.view(updated);
  }

  async remove(user: User, scheduleId: string): Promise<void> {
    if (!(await this.deps.schedules.remove(user.workspace_id, scheduleId)))
      throw notFound(scheduleId);
  }

  async pause(user: User, scheduleId: string): Promise<ScheduleView> {
    const schedule = await this.own(user, scheduleId);
    await this.deps.runner.pause(schedule, 'paused_by_user');
    return this.view(await this.own(user, scheduleId));
  }

  /** Runs again from now: the next time after now, never a backlog of the paused ones. */
  async resume(user: User, workspace: Workspace, scheduleId: string): Promise<ScheduleView> {
    const schedule = await this.own(user, scheduleId);
    if (schedule.status === 'active') return this.view(schedule);
    const limit = PLANS[workspace.plan].scheduled_exports;
    if ((await this.deps.schedules.activeIds(workspace.workspace_id)).length >= limit)
      throw this.limitReached(workspace, limit);
    const now = this.now();
    const resumed = await this.deps.schedules.update(
      user.workspace_id,
      scheduleId,
      {
        status: 'active',
        paused_reason: null,
        next_run_at: nextAfter(schedule, now).toISOString(),
        updated_at: now.toISOString(),
      },
      { next_run_at: null },
    );
    return this.view(resumed ?? (await this.own(user, scheduleId)));
  }

  /** Runs the schedule now, outside its timetable, which stays as it is. */
  async runNow(user: User, scheduleId: string): Promise<{ job_id: string }> {
    const schedule = await this.own(user, scheduleId);
    return this.deps.runner.runNow(schedule);
  }

  async runs(user: User, scheduleId: string, limit: number): Promise<{ runs: ScheduleRunView[] }> {
    await this.workspaceFor(user);
    await this.own(user, scheduleId);
    const runs = await this.deps.schedules.runs(scheduleId, Math.min(limit, MAX_RUNS_LISTED));
    return { runs: await Promise.all(runs.map((run) => this.runView(run))) };
  }

  private async runView(run: ScheduleRun): Promise<ScheduleRunView> {
    const job = run.job_id ? await this.deps.jobs.get(run.job_id) : null;
    return runView(run, job?.status ?? null);
  }

  private async view(schedule: Schedule): Promise<ScheduleView> {
    const jobId = schedule.last_run?.job_id;
    const job = jobId ? await this.deps.jobs.get(jobId) : null;
    return scheduleView(schedule, job?.status ?? null);
  }

  /** Another workspace's schedule is "not found": ids are not confirmed to exist. */
  private async own(user: User, scheduleId: string): Promise<Schedule> {
    const schedule = await this.deps.schedules.get(user.workspace_id, scheduleId);
    if (!schedule) throw notFound(scheduleId);
    return schedule;
  }
}

const ownerOf = (user: User): Schedule['owner'] => ({
  user_id: user.user_id,
  role: user.role,
  ...(user.name ? { name: user.name } : {}),
});
