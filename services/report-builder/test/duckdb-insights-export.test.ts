import assert from 'node:assert/strict';
import { seedDemoInsights } from '../src/adapters/duckdb-demo-seeder.ts';
import { copyInsights } from '../src/adapters/duckdb-insights-export.ts';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import type { FxRate } from '../src/domain/insight-group.ts';
import type { HourlyInsight, InsightsStore } from '../src/ports.ts';

describe('copying the demo store into another insights store (seed:mongo)', () => {
  it('when copied, then every hourly row and rate arrives once, with exact money', async () => {
    const from = await DuckDbInsightsStore.open(':memory:');
    await seedDemoInsights(from, {
      seed: 5,
      workspaces: 1,
      platforms: 2,
      campaignsPerPlatform: 2,
      days: 10,
      endDate: '2026-09-30',
      dense: true,
    });
    const rows: HourlyInsight[] = [];
    let rates: readonly FxRate[] = [];
    // A recording fake of the port: this test is about what is copied, not about MongoDB.
    const to = {
      insertHourly: async (batch: readonly HourlyInsight[]) => void rows.push(...batch),
      replaceFxRates: async (r: readonly FxRate[]) => void (rates = r),
    } as unknown as InsightsStore;
    // Small batches, so paging across equal timestamps is exercised.
    const copied = await copyInsights(from, to, { batchRows: 7 });
    const [[count, spend]] = (await from.withConnection(async (c) =>
      (
        await c.runAndReadAll('SELECT COUNT(*), SUM(spend)::VARCHAR FROM insights_hourly')
      ).getRows(),
    )) as [[bigint, string]];
    await from.close();
    assert.equal(copied.rows, Number(count));
    assert.equal(rows.length, Number(count));
    const keys = new Set(
      rows.map((r) => `${r.ts.toISOString()}|${r.platform}|${r.account_id}|${r.campaign_id}`),
    );
    assert.equal(keys.size, rows.length, 'no row twice');
    const micros = rows.reduce((sum, r) => sum + BigInt(Math.round(Number(r.spend) * 1e6)), 0n);
    assert.equal(micros, BigInt(Math.round(Number(spend) * 1e6)));
    assert.ok(rates.length > 0 && copied.rates === rates.length);
  });
});
