import Router from '@koa/router';
import type { User } from '../domain/user.ts';
import type { ExportRequests } from '../export-requests.ts';

/** GET /api/v1/workspaces/current: the caller's workspace, plan, quota and export rights. */
export function workspaceRoutes(service: ExportRequests): Router {
  const router = new Router({ prefix: '/api/v1/workspaces/current' });
  router.get('/', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.describeWorkspace(ctx.state.user as User);
  });
  return router;
}
