import Router from '@koa/router';
import type { User } from '../domain/user.ts';
import { isoWithOffset, nextRuns } from '../domain/schedule-time.ts';
import type { WorkspaceAccess } from '../workspace-access.ts';
import { parseSchedulePreview } from './schedule-request.ts';

/**
 * /api/v1/analytics/schedules. So far the preview: a schedule's next runs, computed without
 * saving anything, for the form and for anyone checking a timetable. `from` is the clock a
 * client (or a test) sets; without it the runs count from now.
 */
export function scheduleRoutes(
  access: Pick<WorkspaceAccess, 'crossChannel'>,
  currencies: readonly string[],
): Router {
  const router = new Router({ prefix: '/api/v1/analytics/schedules' });
  router.post('/preview', async (ctx) => {
    const workspace = await access.crossChannel(ctx.state.user as User);
    const preview = parseSchedulePreview(ctx.request.body, {
      currencies,
      defaultTimezone: workspace.timezone,
    });
    const runs = nextRuns(
      preview.recurrence,
      preview.timezone,
      preview.from ?? new Date(),
      preview.count,
    );
    ctx.body = { next_runs: runs.map(isoWithOffset) };
  });
  return router;
}
