import { type ReportDataset, type ReportQuery } from '@wevion/shared';
import { buildReportDataset } from './domain/build-dataset.ts';
import { localDays, previousPeriod } from './domain/local-days.ts';
import type { InsightsStore } from './ports.ts';

/**
 * Runs one report query: the store does the heavy grouping, the pure engine does currency,
 * comparison and shaping. Current period, previous period and freshness are read concurrently.
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

  const [current, previousGroups, freshness, fxSource] = await Promise.all([
    store.aggregate({ ...request, days, byCampaign: true }),
    previous
      ? store.aggregate({
          ...request,
          days: localDays(previous.since, previous.until, query.timezone),
          byCampaign: false,
        })
      : Promise.resolve([]),
    store.freshness(query.workspace_id, query.platforms),
    store.fxSource(),
  ]);

  const currencies = new Set([query.target_currency]);
  for (const group of current) currencies.add(group.currency);
  for (const group of previousGroups) currencies.add(group.currency);
  const rates = await store.fxRates([...currencies], previous?.since ?? query.since, query.until);

  return buildReportDataset({
    query,
    days,
    current,
    previous: previous && { ...previous, groups: previousGroups },
    fx: { rates, source: fxSource },
    freshness,
    now,
  });
}
