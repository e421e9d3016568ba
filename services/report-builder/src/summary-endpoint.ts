import { AppError, parseReportQuery, type ReportDataset } from '@wevion/shared';
import type Koa from 'koa';
import { aggregateReport } from './aggregate-report.ts';
import { explainCurrency } from './currency-error.ts';
import type { InsightsStore } from './ports.ts';

/** What the in-app view shows: the same engine as exports, so screen and CSV totals agree. */
export function summaryOf(dataset: ReportDataset) {
  return {
    currency: dataset.currency,
    period: dataset.period,
    totals: dataset.totals,
    platforms: dataset.platforms,
    previous: dataset.previous && {
      since: dataset.previous.since,
      until: dataset.previous.until,
      deltas: dataset.previous.deltas,
    },
    warnings: dataset.warnings,
  };
}

/**
 * POST /internal/summary {query}: an aggregate for export-api's on-screen view. Internal (ops
 * port, not public): export-api authenticates, gates and validates before it calls this.
 */
export function summaryEndpoint(store: InsightsStore): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/internal/summary') return next();
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const currencies = await store.fxCurrencies();
      try {
        ctx.body = summaryOf(await aggregateReport(store, parseReportQuery(input, { currencies })));
      } catch (error) {
        throw error instanceof AppError
          ? explainCurrency(error, input.target_currency, currencies)
          : error;
      }
    } catch (error) {
      const known = error instanceof AppError && error.expose;
      ctx.status = known ? error.status : error instanceof SyntaxError ? 400 : 500;
      ctx.body = {
        error: known
          ? {
              code: error.code,
              message: error.message,
              ...(error.field ? { field: error.field } : {}),
            }
          : { code: 'internal_error', message: 'The summary could not be computed.' },
      };
    }
  };
}
