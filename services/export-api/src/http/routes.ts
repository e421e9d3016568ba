import Router from '@koa/router';
import { AppError } from '@wevion/shared';
import type { Context } from 'koa';
import type { User } from '../domain/user.ts';
import type { Quota } from '../domain/workspace-view.ts';
import type { ExportRequests } from '../export-requests.ts';
import { parseExportRequest, parseHistoryQuery } from './export-request.ts';
import { parseIdempotencyKey, requestHash } from './idempotency-key.ts';

/**
 * `X-Export-Quota-*` on every answer to a POST (none on plans without a limit), and
 * `Retry-After` on a 429: the seconds until the quota renews.
 */
function setQuotaHeaders(ctx: Context, quota: Quota, refused: boolean): void {
  if (quota.limit === null) return;
  const reset = Math.floor(Date.parse(quota.resets_at) / 1000);
  ctx.set('X-Export-Quota-Limit', String(quota.limit));
  ctx.set('X-Export-Quota-Remaining', String(quota.remaining));
  ctx.set('X-Export-Quota-Reset', String(reset));
  if (refused) ctx.set('Retry-After', String(Math.max(1, reset - Math.floor(Date.now() / 1000))));
}

export function exportRoutes(service: ExportRequests, currencies: readonly string[]): Router {
  const router = new Router({ prefix: '/api/v1/analytics/export' });

  router.post('/', async (ctx) => {
    const user = ctx.state.user as User;
    const workspace = await service.workspaceFor(user);
    let overQuota = false;
    let quotaAfter: Quota | undefined;
    try {
      service.authorizeExport(user, workspace);
      const { format, params } = parseExportRequest(ctx.request.body, {
        currencies,
        defaultTimezone: workspace.timezone,
      });
      const key = parseIdempotencyKey(ctx.headers['idempotency-key']);
      const { job, replayed, quota } = await service.requestExport(
        user,
        workspace,
        format,
        params,
        key ? { key, requestHash: requestHash(ctx.request.body) } : undefined,
      );
      quotaAfter = quota;
      // A replay answers as the first request did: the same status code and body.
      if (replayed) ctx.set('Idempotent-Replayed', 'true');
      ctx.status = 202;
      ctx.set('Location', `/api/v1/analytics/export/${job.job_id}`);
      // A new job is PENDING; a replay answers what the first request got, whatever the job's
      // state is now (GET the job for that).
      ctx.body = { job_id: job.job_id, status: 'PENDING' };
    } catch (error) {
      overQuota = error instanceof AppError && error.status === 429;
      throw error;
    } finally {
      // Accepted or refused, the answer says where the quota stood right after it: for a new
      // job the count its own insert saw, so racing requests each get their own figure.
      setQuotaHeaders(ctx, quotaAfter ?? (await service.quota(workspace)), overQuota);
    }
  });

  router.get('/', async (ctx) => {
    const { filter, page } = parseHistoryQuery(ctx.query);
    ctx.body = await service.listJobs(ctx.state.user as User, filter, page);
  });

  router.post('/:job_id/cancel', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.cancelJob(ctx.state.user as User, ctx.params.job_id!);
  });

  router.get('/:job_id', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.getJob(ctx.state.user as User, ctx.params.job_id!);
  });

  return router;
}
