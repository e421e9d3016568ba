import { periodStart, type Dimension, type Granularity } from '@wevion/shared';
import assert from 'node:assert/strict';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import type { RowGroup } from '../src/domain/insight-group.ts';
import { localDays } from '../src/domain/local-days.ts';
import { everyHour } from './factories.ts';
import { insightsStoreContract } from './insights-store.contract.ts';

describe('DuckDB insights store', () => {
  insightsStoreContract(() => DuckDbInsightsStore.open(':memory:'));
});

describe('DuckDB insights store, exports in the smallest parts', () => {
  insightsStoreContract(() => DuckDbInsightsStore.open(':memory:', { exportPartGroups: 1 }));
});

describe('DuckDB export in parts', () => {
  /** Parts of this many groups: one query. */
  const WHOLE = 1e9;
  const stores = new Map<number, DuckDbInsightsStore>();
  // Six weeks across Berlin's fall-back day, three campaigns (one renamed), two currencies.
  const rows = [
    ...everyHour('2026-09-28T00:00:00Z', '2026-11-09T00:00:00Z', { spend: '0.013' }),
    ...everyHour('2026-09-28T00:00:00Z', '2026-11-09T00:00:00Z', {
      campaign_id: 'c2',
      account_id: 'act_2',
      platform: 'google',
      currency: 'USD',
      spend: '1.000001',
      clicks: 3,
    }),
    ...everyHour('2026-10-20T05:00:00Z', '2026-11-02T07:00:00Z', {
      campaign_id: 'c3',
      campaign_name: 'Before the rename',
    }),
    ...everyHour('2026-11-02T07:00:00Z', '2026-11-04T00:00:00Z', {
      campaign_id: 'c3',
      campaign_name: 'After the rename',
    }),
  ].map((row) => ({ ...row, workspace_id: 'ws_parts' }));

  before(async () => {
    for (const partGroups of [1, 40, WHOLE]) {
      const store = await DuckDbInsightsStore.open(':memory:', { exportPartGroups: partGroups });
      await store.insertHourly(rows);
      stores.set(partGroups, store);
    }
  });
  after(async () => {
    for (const store of stores.values()) await store.close();
  });

  async function exported(
    store: DuckDbInsightsStore,
    timezone: string,
    dimensions: Dimension[],
    granularity: Granularity,
    stopAfter = Infinity,
  ): Promise<RowGroup[]> {
    const since = '2026-09-29';
    const days = localDays(since, '2026-11-06', timezone);
    const all: RowGroup[] = [];
    for await (const batch of store.exportGroups({
      workspaceId: 'ws_parts',
      platforms: ['google', 'meta'],
      timezone,
      days,
      dimensions,
      periodOf: new Map(days.map((d) => [d.date, periodStart(d.date, granularity, since)])),
    })) {
      all.push(...batch);
      if (all.length >= stopAfter) break;
    }
    return all;
  }

  const layouts: [Dimension[], Granularity][] = [
    [['date', 'platform', 'account', 'campaign'], 'day'],
    [['date', 'campaign'], 'week'],
    [['date', 'platform'], 'month'],
    [['platform', 'date', 'campaign'], 'day'],
    [['account', 'campaign'], 'total'],
    [['campaign', 'date'], 'week'],
  ];
  for (const timezone of ['Europe/Berlin', 'Pacific/Chatham']) {
    for (const [dimensions, granularity] of layouts) {
      it(`when an export by ${dimensions.join(', ')} per ${granularity} in ${timezone} runs in parts, then its groups are those of one query`, async () => {
        const whole = await exported(stores.get(WHOLE)!, timezone, dimensions, granularity);
        assert.ok(whole.length > 10, `${whole.length} groups`);
        for (const partGroups of [1, 40]) {
          assert.deepEqual(
            await exported(stores.get(partGroups)!, timezone, dimensions, granularity),
            whole,
            `parts of ${partGroups} groups`,
          );
        }
      });
    }
  }

  it('when a chunk of the result holds more groups than a batch, then they come 256 at most at a time, all of them in order', async () => {
    const store = await DuckDbInsightsStore.open(':memory:');
    try {
      const campaigns = Array.from({ length: 700 }, (_, i) => `c${String(i).padStart(3, '0')}`);
      await store.insertHourly(
        campaigns.flatMap((campaign_id) =>
          everyHour('2026-10-01T08:00:00Z', '2026-10-01T10:00:00Z', {
            campaign_id,
            workspace_id: 'ws_parts',
          }),
        ),
      );
      const days = localDays('2026-10-01', '2026-10-01', 'Europe/Berlin');
      const batches: RowGroup[][] = [];
      for await (const batch of store.exportGroups({
        workspaceId: 'ws_parts',
        platforms: ['meta'],
        timezone: 'Europe/Berlin',
        days,
        dimensions: ['date', 'campaign'],
        periodOf: new Map(days.map((d) => [d.date, d.date])),
      })) {
        batches.push(batch);
      }
      assert.deepEqual(
        batches.map((b) => b.length),
        [256, 256, 188],
      );
      assert.deepEqual(
        batches.flat().map((g) => g.campaign_id),
        campaigns,
      );
    } finally {
      await store.close();
    }
  });

  it('when a reader stops after the first batch, then the part running ahead is stopped and the store answers the next export', async () => {
    const store = stores.get(1)!;
    const dimensions: Dimension[] = ['date', 'campaign'];
    const first = await exported(store, 'Europe/Berlin', dimensions, 'day', 1);
    assert.ok(first.length >= 1);
    const again = await exported(store, 'Europe/Berlin', dimensions, 'day');
    assert.deepEqual(again, await exported(stores.get(WHOLE)!, 'Europe/Berlin', dimensions, 'day'));
  });
});
