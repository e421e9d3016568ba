import Router from '@koa/router';
import { toValidationError } from '@wevion/shared';
import Joi from 'joi';
import type { User } from '../domain/user.ts';
import { isoWithOffset, nextRuns } from '../domain/schedule-time.ts';
import { MAX_RUNS_LISTED, type ScheduleAdmin } from '../schedules/schedule-admin.ts';
import {
  parseScheduleCreate,
  parseSchedulePatch,
  parseSchedulePreview,
} from './schedule-request.ts';

const pageQuery = Joi.object({
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string().max(500),
});
const runsQuery = Joi.object({
  limit: Joi.number().integer().min(1).max(MAX_RUNS_LISTED).default(20),
});

function parseQuery<T>(schema: Joi.ObjectSchema, query: unknown): T {
  const { value, error } = schema.validate(query, { abortEarly: false, convert: true });
  if (error) throw toValidationError(error);
  return value as T;
}

/**
 * /api/v1/analytics/schedules: schedules, their runs, and the preview (a timetable computed
 * without saving anything; `from` is the clock a client or a test sets, now by default).
 */
export function scheduleRoutes(admin: ScheduleAdmin, currencies: readonly string[]): Router {
  const router = new Router({ prefix: '/api/v1/analytics/schedules' });
  const user = (ctx: { state: { user?: unknown } }) => ctx.state.user as User;
  const context = (timezone: string) => ({ currencies, defaultTimezone: timezone });

  router.post('/preview', async (ctx) => {
    const workspace = await admin.workspaceFor(user(ctx));
    const preview = parseSchedulePreview(ctx.request.body, context(workspace.timezone));
    const runs = nextRuns(
      preview.recurrence,
      preview.timezone,
      preview.from ?? new Date(),
      preview.count,
    );
    ctx.body = { next_runs: runs.map(isoWithOffset) };
  });

  router.post('/', async (ctx) => {
    const workspace = await admin.editableWorkspace(user(ctx));
    admin.runnable(workspace);
    const input = parseScheduleCreate(ctx.request.body, context(workspace.timezone));
    const schedule = await admin.create(user(ctx), workspace, input);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/analytics/schedules/${schedule.schedule_id}`);
    ctx.body = schedule;
  });

  router.get('/', async (ctx) => {
    const page = parseQuery<{ limit: number; cursor?: string }>(pageQuery, ctx.query);
    ctx.body = await admin.list(user(ctx), page);
  });

  router.get('/:schedule_id', async (ctx) => {
    ctx.body = await admin.get(user(ctx), ctx.params.schedule_id!);
  });

  router.patch('/:schedule_id', async (ctx) => {
    const workspace = await admin.editableWorkspace(user(ctx));
    const id = ctx.params.schedule_id!;
    const current = await admin.inputOf(user(ctx), id);
    const input = parseSchedulePatch(ctx.request.body, current, context(workspace.timezone));
    ctx.body = await admin.update(user(ctx), id, input);
  });

  router.delete('/:schedule_id', async (ctx) => {
    await admin.editableWorkspace(user(ctx));
    await admin.remove(user(ctx), ctx.params.schedule_id!);
    ctx.status = 204;
  });

  router.post('/:schedule_id/pause', async (ctx) => {
    await admin.editableWorkspace(user(ctx));
    ctx.body = await admin.pause(user(ctx), ctx.params.schedule_id!);
  });

  router.post('/:schedule_id/resume', async (ctx) => {
    const workspace = await admin.editableWorkspace(user(ctx));
    admin.runnable(workspace);
    ctx.body = await admin.resume(user(ctx), workspace, ctx.params.schedule_id!);
  });

  router.post('/:schedule_id/run', async (ctx) => {
    const workspace = await admin.editableWorkspace(user(ctx));
    admin.runnable(workspace);
    const { job_id } = await admin.runNow(user(ctx), ctx.params.schedule_id!);
    ctx.status = 202;
    ctx.set('Location', `/api/v1/analytics/export/${job_id}`);
    ctx.body = { job_id, status: 'PENDING' };
  });

  router.get('/:schedule_id/runs', async (ctx) => {
    const { limit } = parseQuery<{ limit: number }>(runsQuery, ctx.query);
    ctx.body = await admin.runs(user(ctx), ctx.params.schedule_id!, limit);
  });

  return router;
}
