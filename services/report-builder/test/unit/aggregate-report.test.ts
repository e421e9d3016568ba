import assert from 'node:assert/strict';
import { parseReportQuery, type ReportQuery } from '@wevion/shared';
import { seedDemoInsights } from '../../src/adapters/duckdb-demo-seeder.ts';
import { DuckDbInsightsStore } from '../../src/adapters/duckdb-insights-store.ts';
import { aggregateReport } from '../../src/aggregate-report.ts';
import { CurrencyConverter } from '../../src/domain/currency-converter.ts';
import { FxTable } from '../../src/domain/fx-table.ts';
import { localDays } from '../../src/domain/local-days.ts';

describe('aggregating a report from the store', () => {
  let store: DuckDbInsightsStore;
  let query: ReportQuery;

  before(async () => {
    store = await DuckDbInsightsStore.open(':memory:');
    await seedDemoInsights(store, {
      seed: 11,
      workspaces: 1,
      platforms: 3,
      campaignsPerPlatform: 12,
      days: 120,
      endDate: '2026-09-30',
      dense: false,
    });
    query = parseReportQuery(
      {
        workspace_id: 'ws_acme',
        since: '2026-08-01',
        until: '2026-09-29',
        platforms: ['meta', 'google', 'tiktok'],
        target_currency: 'JPY',
        timezone: 'Asia/Kolkata',
        top_n: 5,
      },
      { currencies: await store.fxCurrencies() },
    );
  });

  after(() => store.close());

  it('when the store ranks campaigns, then the top list equals the exact ranking over every campaign', async () => {
    const ranked = await aggregateReport(store, query);
    assert.equal(ranked.top_campaigns.length, 5);

    // Every campaign's exact spend, from the export stream and the converter, ranked here.
    const converter = new CurrencyConverter(
      new FxTable(await store.fxRates(await store.fxCurrencies(), query.since, query.until)),
      query.target_currency,
    );
    const spend = new Map<string, bigint>();
    for await (const batch of store.exportGroups({
      workspaceId: query.workspace_id,
      platforms: query.platforms,
      timezone: query.timezone,
      days: localDays(query.since, query.until, query.timezone),
      dimensions: ['platform', 'campaign'],
      periodOf: new Map(),
    })) {
      for (const g of batch) {
        const key = `${g.platform}|${g.campaign_id}`;
        spend.set(key, (spend.get(key) ?? 0n) + converter.toTarget(g).spend);
      }
    }
    const exactOrder = [...spend]
      .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))
      .slice(0, 5)
      .map(([key]) => key);
    assert.deepEqual(
      ranked.top_campaigns.map((c) => `${c.platform}|${c.campaign_id}`),
      exactOrder,
    );
  });

  it('when the trend and the platform table are summed, then they match the totals in whole yen', async () => {
    const dataset = await aggregateReport(store, query);
    assert.equal(dataset.trend.length, 60);
    for (const rows of [dataset.trend, dataset.platforms]) {
      assert.ok(rows.every((r) => Number.isInteger(r.spend)));
      assert.equal(
        rows.reduce((s, r) => s + r.spend, 0),
        dataset.totals.spend,
      );
      assert.equal(
        rows.reduce((s, r) => s + r.clicks, 0),
        dataset.totals.clicks,
      );
    }
    assert.equal(
      dataset.trend.reduce((s, t) => s + t.impressions, 0),
      dataset.totals.impressions,
    );
    assert.equal(dataset.previous!.since, '2026-06-02');
    assert.ok(dataset.previous!.totals.spend > 0);
  });
});
