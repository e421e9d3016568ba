import { eachDate, type ReportDataset, type ReportQuery } from '@wevion/shared';
import { buildReportDataset } from './domain/build-dataset.ts';
import { RANKING_MARGIN, rankingWeights } from './domain/campaign-ranking.ts';
import { FxTable } from './domain/fx-table.ts';
import { localDays, previousPeriod } from './domain/local-days.ts';
import type { InsightsStore } from './ports.ts';

/**
 * Runs one report query: the store does the heavy grouping (and ranks campaigns, so only the
 * top ones travel), the pure engine does exact currency conversion, comparison and shaping.
 */
export async function aggregateReport(
  store: InsightsStore,
  query: ReportQuery,
  now: Date = new Date(),
): Promise<ReportDataset> {
  const days = localDays(query.since, query.until, query.timezone);
  const previous = query.compare_previous ? previousPeriod(query.since, query.until) : null;
  const request = {
    workspaceId: query.workspace_id,
    platforms: query.platforms,
    timezone: query.timezone,
  };

  const [currencies, fxSource, freshness] = await Promise.all([
    store.fxCurrencies(),
    store.fxSource(),
    store.freshness(query.workspace_id, query.platforms),
  ]);
  const rates = await store.fxRates(currencies, previous?.since ?? query.since, query.until);
  const weights = rankingWeights(
    new FxTable(rates),
    currencies,
    eachDate(query.since, query.until),
    query.target_currency,
  );

  const [current, previousResult] = await Promise.all([
    store.aggregate({
      ...request,
      days,
      campaigns: { kind: 'top', limit: query.top_n + RANKING_MARGIN, weights },
    }),
    previous
      ? store.aggregate({
          ...request,
          days: localDays(previous.since, previous.until, query.timezone),
          campaigns: { kind: 'none' },
        })
      : null,
  ]);

  return buildReportDataset({
    query,
    days,
    current,
    previous: previous && { ...previous, groups: previousResult!.groups },
    fx: { rates, source: fxSource },
    freshness,
    now,
  });
}
