import { encodeCursor, decodeCursor } from '../../src/adapters/cursor.ts';
import type { Schedule, SchedulePatch, ScheduleRun } from '../../src/domain/schedule.ts';
import type { ScheduleStore } from '../../src/ports.ts';

const copy = <T>(value: T): T => structuredClone(value);
const newestFirst = (a: Schedule, b: Schedule) =>
  b.created_at.localeCompare(a.created_at) || b.schedule_id.localeCompare(a.schedule_id);

/**
 * A ScheduleStore in Maps, for unit tests; the schedule-store contract suite runs against it too.
 * No method awaits between its read and its write, so each is as atomic as the real stores'.
 */
export class InMemoryScheduleStore implements ScheduleStore {
  private readonly schedules = new Map<string, Schedule>();
  private readonly runsById = new Map<string, ScheduleRun>();

  private ofWorkspace(workspaceId: string): Schedule[] {
    return [...this.schedules.values()].filter((s) => s.workspace_id === workspaceId);
  }

  async create(schedule: Schedule, max: number): Promise<boolean> {
    if (this.ofWorkspace(schedule.workspace_id).length >= max) return false;
    this.schedules.set(schedule.schedule_id, copy(schedule));
    return true;
  }

  async get(workspaceId: string, scheduleId: string): Promise<Schedule | null> {
    const schedule = this.schedules.get(scheduleId);
    return schedule?.workspace_id === workspaceId ? copy(schedule) : null;
  }

  async list(workspaceId: string, page: { limit: number; cursor?: string }) {
    let all = this.ofWorkspace(workspaceId).sort(newestFirst);
    if (page.cursor) {
      const [createdAt, id] = decodeCursor(page.cursor);
      all = all.filter(
        (s) => s.created_at < createdAt || (s.created_at === createdAt && s.schedule_id < id),
      );
    }
    const schedules = all.slice(0, page.limit).map(copy);
    const last = schedules.at(-1);
    return {
      schedules,
      nextCursor:
        all.length > page.limit && last ? encodeCursor(last.created_at, last.schedule_id) : null,
    };
  }

  async activeIds(workspaceId: string): Promise<string[]> {
    return this.ofWorkspace(workspaceId)
      .filter((s) => s.status === 'active')
      .sort((a, b) => newestFirst(b, a))
      .map((s) => s.schedule_id);
  }

  async update(
    workspaceId: string,
    scheduleId: string,
    patch: SchedulePatch,
    expect?: { next_run_at: string | null },
  ): Promise<Schedule | null> {
    const current = this.schedules.get(scheduleId);
    if (!current || current.workspace_id !== workspaceId) return null;
    if (expect && current.next_run_at !== expect.next_run_at) return null;
    const next = { ...current, ...copy(patch) };
    this.schedules.set(scheduleId, next);
    return copy(next);
  }

  async remove(workspaceId: string, scheduleId: string): Promise<boolean> {
    if (this.schedules.get(scheduleId)?.workspace_id !== workspaceId) return false;
    this.schedules.delete(scheduleId);
    for (const [id, run] of this.runsById)
      if (run.schedule_id === scheduleId) this.runsById.delete(id);
    return true;
  }

  async findDue(now: string, limit: number): Promise<Schedule[]> {
    return [...this.schedules.values()]
      .filter((s) => s.status === 'active' && s.next_run_at !== null && s.next_run_at <= now)
      .sort(
        (a, b) =>
          a.next_run_at!.localeCompare(b.next_run_at!) ||
          a.schedule_id.localeCompare(b.schedule_id),
      )
      .slice(0, limit)
      .map(copy);
  }

  async addRun(run: ScheduleRun): Promise<boolean> {
    for (const other of this.runsById.values())
      if (other.schedule_id === run.schedule_id && other.scheduled_for === run.scheduled_for)
        return false;
    this.runsById.set(run.run_id, copy(run));
    return true;
  }

  async getRun(scheduleId: string, scheduledFor: string): Promise<ScheduleRun | null> {
    for (const run of this.runsById.values())
      if (run.schedule_id === scheduleId && run.scheduled_for === scheduledFor) return copy(run);
    return null;
  }

  async recordRun(
    runId: string,
    outcome: Pick<ScheduleRun, 'outcome' | 'reason' | 'job_id'>,
  ): Promise<boolean> {
    const run = this.runsById.get(runId);
    if (run?.outcome !== 'pending') return false;
    this.runsById.set(runId, { ...run, ...copy(outcome) });
    return true;
  }

  async runs(scheduleId: string, limit: number): Promise<ScheduleRun[]> {
    return [...this.runsById.values()]
      .filter((r) => r.schedule_id === scheduleId)
      .sort((a, b) => b.scheduled_for.localeCompare(a.scheduled_for))
      .slice(0, limit)
      .map(copy);
  }

  async findPendingRuns(before: string, limit: number): Promise<ScheduleRun[]> {
    return [...this.runsById.values()]
      .filter((r) => r.outcome === 'pending' && r.fired_at < before)
      .sort((a, b) => a.fired_at.localeCompare(b.fired_at))
      .slice(0, limit)
      .map(copy);
  }
}
