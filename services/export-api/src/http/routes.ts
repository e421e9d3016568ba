import Router from '@koa/router';
import type { User } from '../domain/user.ts';
import type { ExportRequests } from '../export-requests.ts';
import { parseExportRequest, parseHistoryQuery } from './export-request.ts';

export function exportRoutes(service: ExportRequests, currencies: readonly string[]): Router {
  const router = new Router({ prefix: '/api/v1/analytics/export' });

  router.post('/', async (ctx) => {
    const user = ctx.state.user as User;
    const workspace = await service.authorizeExport(user);
    const { format, params } = parseExportRequest(ctx.request.body, {
      currencies,
      defaultTimezone: workspace.timezone,
    });
    const job = await service.requestExport(user, workspace, format, params);
    ctx.status = 202;
    ctx.set('Location', `/api/v1/analytics/export/${job.job_id}`);
    ctx.body = { job_id: job.job_id, status: job.status };
  });

  router.get('/', async (ctx) => {
    const { filter, page } = parseHistoryQuery(ctx.query);
    ctx.body = await service.listJobs(ctx.state.user as User, filter, page);
  });

  router.get('/:job_id', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.getJob(ctx.state.user as User, ctx.params.job_id!);
  });

  return router;
}
