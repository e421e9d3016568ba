import assert from 'node:assert/strict';
import { parseReportQuery, type ReportQuery } from '@wevion/shared';
import { seedDemoInsights } from '../src/adapters/duckdb-demo-seeder.ts';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import { aggregateReport } from '../src/aggregate-report.ts';

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
    const everything = await aggregateReport(store, { ...query, include_campaigns: true });
    assert.equal(ranked.top_campaigns.length, 5);
    assert.deepEqual(ranked.top_campaigns, everything.top_campaigns);
    assert.deepEqual(ranked.totals, everything.totals);

    const exactOrder = [
      ...everything.campaign_rows!.reduce((spend, row) => {
        const key = `${row.platform}|${row.campaign_id}`;
        return spend.set(key, (spend.get(key) ?? 0) + row.spend);
      }, new Map<string, number>()),
    ]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([key]) => key);
    assert.deepEqual(
      ranked.top_campaigns.map((c) => `${c.platform}|${c.campaign_id}`),
      exactOrder,
    );
  });

  it('when per-day rows are summed, then they match totals and the trend, in whole yen', async () => {
    const dataset = await aggregateReport(store, query);
    assert.equal(dataset.rows.length, 60 * 3);
    const rowSpend = dataset.rows.reduce((s, r) => s + r.spend, 0);
    assert.ok(Math.abs(rowSpend - dataset.totals.spend) <= dataset.rows.length * 0.5);
    assert.ok(dataset.rows.every((r) => Number.isInteger(r.spend)));
    assert.equal(
      dataset.rows.reduce((s, r) => s + r.clicks, 0),
      dataset.totals.clicks,
    );
    assert.equal(
      dataset.trend.reduce((s, t) => s + t.impressions, 0),
      dataset.totals.impressions,
    );
    assert.equal(dataset.previous!.since, '2026-06-02');
    assert.ok(dataset.previous!.totals.spend > 0);
  });
});
