import { RUN_OUTCOMES, SCHEDULE_STATUSES } from '@wevion/shared';
import { Schema, type Connection } from 'mongoose';
import type { Schedule, SchedulePatch, ScheduleRun } from '../domain/schedule.ts';
import type { ScheduleStore } from '../ports.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const scheduleSchema = new Schema(
  {
    _id: String,
    workspace_id: { type: String, required: true },
    name: String,
    export: Schema.Types.Mixed,
    range: String,
    recurrence: Schema.Types.Mixed,
    timezone: String,
    status: { type: String, enum: SCHEDULE_STATUSES, required: true },
    paused_reason: Schema.Types.Mixed,
    next_run_at: String,
    last_run: Schema.Types.Mixed,
    owner: Schema.Types.Mixed,
    created_at: String,
    updated_at: String,
  },
  { collection: 'schedules', versionKey: false, minimize: false },
);
scheduleSchema.index({ workspace_id: 1, created_at: -1, _id: -1 });
scheduleSchema.index(
  { next_run_at: 1 },
  { partialFilterExpression: { status: 'active' }, name: 'schedules_due' },
);

const runSchema = new Schema(
  {
    _id: String,
    schedule_id: { type: String, required: true },
    workspace_id: String,
    scheduled_for: { type: String, required: true },
    fired_at: String,
    outcome: { type: String, enum: RUN_OUTCOMES, required: true },
    reason: Schema.Types.Mixed,
    job_id: String,
    since: String,
    until: String,
  },
  { collection: 'schedule_runs', versionKey: false, minimize: false },
);
// This index, not a clock or a lock, is what makes each run happen once.
runSchema.index({ schedule_id: 1, scheduled_for: -1 }, { unique: true });
runSchema.index(
  { fired_at: 1 },
  { partialFilterExpression: { outcome: 'pending' }, name: 'schedule_runs_pending' },
);

type ScheduleDocument = Omit<Schedule, 'schedule_id'> & { _id: string };
type RunDocument = Omit<ScheduleRun, 'run_id'> & { _id: string };
const toSchedule = ({ _id, ...rest }: ScheduleDocument): Schedule => ({
  schedule_id: _id,
  ...rest,
});
const toRun = ({ _id, ...rest }: RunDocument): ScheduleRun => ({ run_id: _id, ...rest });
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/** Schedules and runs in MongoDB (production), beside the jobs. */
export class MongoScheduleStore implements ScheduleStore {
  private readonly schedules;
  private readonly runsOf;

  constructor(connection: Connection) {
    this.schedules = connection.model('Schedule', scheduleSchema);
    this.runsOf = connection.model('ScheduleRun', runSchema);
  }

  async syncIndexes(): Promise<void> {
    await Promise.all([this.schedules.syncIndexes(), this.runsOf.syncIndexes()]);
  }

  /**
   * Count, insert, then count again: of racing creates past the limit, the later ones remove
   * themselves (no multi-document transaction needed).
   */
  async create(schedule: Schedule, max: number): Promise<boolean> {
    const workspace = { workspace_id: schedule.workspace_id };
    if ((await this.schedules.countDocuments(workspace)) >= max) return false;
    const { schedule_id, ...rest } = schedule;
    await this.schedules.create({ _id: schedule_id, ...rest });
    const first = await this.schedules
      .find(workspace, { _id: 1 })
      .sort({ created_at: 1, _id: 1 })
      .limit(max)
      .lean<{ _id: string }[]>();
    if (first.some((s) => s._id === schedule_id)) return true;
    await this.schedules.deleteOne({ _id: schedule_id });
    return false;
  }

  async get(workspaceId: string, scheduleId: string): Promise<Schedule | null> {
    const doc = await this.schedules
      .findOne({ _id: scheduleId, workspace_id: workspaceId })
      .lean<ScheduleDocument>();
    return doc ? toSchedule(doc) : null;
  }

  async list(workspaceId: string, page: { limit: number; cursor?: string }) {
    const query: Record<string, unknown> = { workspace_id: workspaceId };
    if (page.cursor) {
      const [createdAt, id] = decodeCursor(page.cursor);
      query.$or = [{ created_at: { $lt: createdAt } }, { created_at: createdAt, _id: { $lt: id } }];
    }
    const docs = await this.schedules
      .find(query)
      .sort({ created_at: -1, _id: -1 })
      .limit(page.limit + 1)
      .lean<ScheduleDocument[]>();
    const schedules = docs.slice(0, page.limit).map(toSchedule);
    const last = schedules.at(-1);
    return {
      schedules,
      nextCursor:
        docs.length > page.limit && last ? encodeCursor(last.created_at, last.schedule_id) : null,
    };
  }

  async activeIds(workspaceId: string): Promise<string[]> {
    const docs = await this.schedules
      .find({ workspace_id: workspaceId, status: 'active' }, { _id: 1 })
      .sort({ created_at: 1, _id: 1 })
      .lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  async update(
    workspaceId: string,
    scheduleId: string,
    patch: SchedulePatch,
    expect?: { next_run_at: string | null },
  ): Promise<Schedule | null> {
    const doc = await this.schedules
      .findOneAndUpdate(
        {
          _id: scheduleId,
          workspace_id: workspaceId,
          ...(expect ? { next_run_at: expect.next_run_at } : {}),
        },
        { $set: patch },
        { returnDocument: 'after' },
      )
      .lean<ScheduleDocument>();
    return doc ? toSchedule(doc) : null;
  }

  async remove(workspaceId: string, scheduleId: string): Promise<boolean> {
    const { deletedCount } = await this.schedules.deleteOne({
      _id: scheduleId,
      workspace_id: workspaceId,
    });
    if (deletedCount) await this.runsOf.deleteMany({ schedule_id: scheduleId });
    return deletedCount === 1;
  }

  async findDue(now: string, limit: number): Promise<Schedule[]> {
    const docs = await this.schedules
      .find({ status: 'active', next_run_at: { $ne: null, $lte: now } })
      .sort({ next_run_at: 1, _id: 1 })
      .limit(limit)
      .lean<ScheduleDocument[]>();
    return docs.map(toSchedule);
  }

  async addRun(run: ScheduleRun): Promise<boolean> {
    const { run_id, ...rest } = run;
    try {
      await this.runsOf.create({ _id: run_id, ...rest });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async getRun(scheduleId: string, scheduledFor: string): Promise<ScheduleRun | null> {
    const doc = await this.runsOf
      .findOne({ schedule_id: scheduleId, scheduled_for: scheduledFor })
      .lean<RunDocument>();
    return doc ? toRun(doc) : null;
  }

  async recordRun(
    runId: string,
    outcome: Pick<ScheduleRun, 'outcome' | 'reason' | 'job_id'>,
  ): Promise<boolean> {
    const { modifiedCount } = await this.runsOf.updateOne(
      { _id: runId, outcome: 'pending' },
      { $set: outcome },
    );
    return modifiedCount === 1;
  }

  async runs(scheduleId: string, limit: number): Promise<ScheduleRun[]> {
    const docs = await this.runsOf
      .find({ schedule_id: scheduleId })
      .sort({ scheduled_for: -1 })
      .limit(limit)
      .lean<RunDocument[]>();
    return docs.map(toRun);
  }

  async findPendingRuns(before: string, limit: number): Promise<ScheduleRun[]> {
    const docs = await this.runsOf
      .find({ outcome: 'pending', fired_at: { $lt: before } })
      .sort({ fired_at: 1 })
      .limit(limit)
      .lean<RunDocument[]>();
    return docs.map(toRun);
  }
}
