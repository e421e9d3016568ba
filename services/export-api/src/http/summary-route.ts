import Router from '@koa/router';
import {
  AppError,
  validateReportFields,
  reportQueryFields,
  signInternalToken,
  SUMMARY_AUDIENCE,
} from '@wevion/shared';
import Joi from 'joi';
import type { User } from '../domain/user.ts';
import type { ExportRequests } from '../export-requests.ts';

/**
 * GET /api/v1/analytics/summary: the on-screen KPI strip and platform table for a view, computed
 * by report-builder's aggregation engine (the one exports use), so screen and file totals agree.
 * Same field rules as an export; `platforms` is comma-separated in the query string.
 */
export function summaryRoute(
  service: ExportRequests,
  currencies: readonly string[],
  reportBuilderUrl: string,
  internalSecret: string,
): Router {
  const router = new Router();
  const schema = Joi.object(reportQueryFields({ currencies }));
  router.get('/api/v1/analytics/summary', async (ctx) => {
    const user = ctx.state.user as User;
    const workspace = await service.workspaceFor(user);
    const { since, until, platforms, target_currency, timezone } = ctx.query;
    const value = validateReportFields<Record<string, unknown> & { since: string; until: string }>(
      schema,
      {
        since,
        until,
        platforms: typeof platforms === 'string' && platforms ? platforms.split(',') : platforms,
        target_currency,
        ...(timezone ? { timezone } : {}),
      },
      { convert: false },
    );
    value.timezone ??= workspace.timezone;
    let response: Response;
    try {
      response = await fetch(`${reportBuilderUrl}/internal/summary`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // The workspace travels in the signed token, never in the body.
          authorization: `Bearer ${await signInternalToken(internalSecret, SUMMARY_AUDIENCE, user.workspace_id)}`,
        },
        body: JSON.stringify({ ...value, top_n: 1 }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (cause) {
      throw new AppError(
        'summary_unavailable',
        'The analytics summary is unavailable right now; please retry.',
        {
          status: 503,
          expose: true,
          cause,
        },
      );
    }
    ctx.status = response.status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await response.json();
  });
  return router;
}
