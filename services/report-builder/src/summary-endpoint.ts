import {
  AppError,
  errorResponse,
  OPS_JSON_LIMIT,
  parseReportQuery,
  SUMMARY_AUDIENCE,
  ValidationError,
  verifyInternalToken,
  type Logger,
  type ReportDataset,
  type SummaryView,
} from '@wevion/shared';
import type Koa from 'koa';
import { koaBody } from 'koa-body';
import { aggregateReport } from './aggregate-report.ts';
import { explainCurrency } from './currency-error.ts';
import type { InsightsStore } from './ports.ts';

/** What the in-app view shows: the same engine as exports, so screen and CSV totals agree. */
export function summaryOf(dataset: ReportDataset): SummaryView {
  return {
    currency: dataset.currency,
    period: dataset.period,
    /** False when the range holds no row for any chosen platform: the page says so. */
    has_data: dataset.rows_scanned > 0,
    totals: dataset.totals,
    platforms: dataset.platforms,
    // The page draws the PDF's charts from these, with the same chart code.
    channel_mix: dataset.channel_mix,
    trend: dataset.trend,
    previous: dataset.previous && {
      since: dataset.previous.since,
      until: dataset.previous.until,
      deltas: dataset.previous.deltas,
    },
    warnings: dataset.warnings,
  };
}

/**
 * POST /internal/summary {query}: an aggregate for export-api's on-screen view. Only export-api
 * may call it: a short-lived token signed with the shared internal secret names the workspace
 * (a body cannot). The body is small JSON, bounded; failures are logged and answered in the
 * `{error}` shape.
 */
export function summaryEndpoint(
  store: InsightsStore,
  options: { secret: string; logger: Logger },
): Koa.Middleware {
  const readBody = koaBody({
    json: true,
    jsonLimit: OPS_JSON_LIMIT,
    jsonStrict: true,
    multipart: false,
    urlencoded: false,
    text: false,
  });
  return async (ctx, next) => {
    if (ctx.path !== '/internal/summary') return next();
    try {
      if (ctx.method !== 'POST') {
        throw new AppError('method_not_allowed', 'Use POST.', { status: 405, expose: true });
      }
      const workspaceId = await verifyInternalToken(
        options.secret,
        SUMMARY_AUDIENCE,
        ctx.get('authorization'),
      );
      await readBody(ctx, () => Promise.resolve());
      const input: unknown = ctx.request.body;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new ValidationError('invalid_body', 'Send a JSON object with the report query');
      }
      const currencies = await store.fxCurrencies();
      try {
        const query = parseReportQuery({ ...input, workspace_id: workspaceId }, { currencies });
        ctx.body = summaryOf(await aggregateReport(store, query));
      } catch (error) {
        throw error instanceof AppError
          ? explainCurrency(
              error,
              (input as { target_currency?: unknown }).target_currency,
              currencies,
            )
          : error;
      }
    } catch (error) {
      const { status, body, unexpected } = errorResponse(error, {
        jsonLimit: OPS_JSON_LIMIT,
        internalMessage: 'The summary could not be computed.',
      });
      const log = { err: error, status, path: ctx.path };
      if (unexpected) options.logger.error(log, 'summary failed');
      else options.logger.warn(log, 'summary request refused');
      ctx.status = status;
      ctx.body = body;
    }
  };
}
