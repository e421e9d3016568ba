import { eachDate, type Platform } from '@wevion/shared';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import { topCampaignDetail } from '../src/domain/campaign-ranking.ts';
import { MICRO_DIGITS, parseDecimal } from '../src/domain/exact-money.ts';
import type { InsightGroup, RankingWeight, RowGroup } from '../src/domain/insight-group.ts';
import { localDays, type LocalDay } from '../src/domain/local-days.ts';
import type { HourlyInsight } from '../src/ports.ts';
import { hourly } from './factories.ts';

/** A small deterministic generator (mulberry32): the same rows on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Hourly rows from `from` to `to`: 6 campaigns on each of 2 platforms in 2 currencies, amounts to
 * the micro, some hours missing, a few refund hours (negative spend), one campaign renamed.
 */
function rows(seed: number, from: string, to: string): HourlyInsight[] {
  const next = random(seed);
  const amount = (max: number) => (next() * max).toFixed(6);
  const out: HourlyInsight[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 3_600_000) {
    for (const [platform, currency] of [
      ['meta', 'EUR'],
      ['google', 'USD'],
    ] as const) {
      for (let campaign = 1; campaign <= 6; campaign++) {
        if (next() < 0.15) continue;
        const refund = next() < 0.03;
        out.push(
          hourly({
            workspace_id: 'ws_rollup',
            platform: platform as Platform,
            account_id: `act_${currency}`,
            campaign_id: `${platform}_c${campaign}`,
            campaign_name:
              campaign === 2 && t >= Date.parse('2026-03-20T12:00:00Z')
                ? 'renamed'
                : `c${campaign}`,
            currency,
            ts: new Date(t),
            spend: refund ? `-${amount(50)}` : amount(100 * campaign),
            impressions: Math.floor(next() * 10_000),
            clicks: Math.floor(next() * 300),
            conversions: amount(5),
            conversion_value: amount(900),
          }),
        );
      }
    }
  }
  return out;
}

/**
 * The reference, computed here from the rows themselves: sums per local day, platform and
 * currency (totals) and per campaign and name too (detail), in exact micros.
 */
function expected(all: readonly HourlyInsight[], days: readonly LocalDay[]) {
  const totals = new Map<string, InsightGroup>();
  const detail = new Map<string, InsightGroup>();
  for (const row of all) {
    const day = days.find((d) => row.ts >= d.startsAt && row.ts < d.endsAt);
    if (!day) continue;
    const add = (into: Map<string, InsightGroup>, campaign: boolean) => {
      const key = [day.date, row.platform, campaign ? row.campaign_id : '', row.currency];
      const keyText = [...key, campaign ? row.campaign_name : ''].join('|');
      const group = into.get(keyText) ?? {
        date: day.date,
        platform: row.platform,
        campaign_id: campaign ? row.campaign_id : null,
        campaign_name: campaign ? row.campaign_name : null,
        currency: row.currency,
        spend_micros: 0n,
        impressions: 0n,
        clicks: 0n,
        conversions_micros: 0n,
        conversion_value_micros: 0n,
        row_count: 0,
      };
      group.spend_micros += parseDecimal(row.spend, MICRO_DIGITS);
      group.impressions += BigInt(row.impressions);
      group.clicks += BigInt(row.clicks);
      group.conversions_micros += parseDecimal(row.conversions, MICRO_DIGITS);
      group.conversion_value_micros += parseDecimal(row.conversion_value, MICRO_DIGITS);
      group.row_count++;
      into.set(keyText, group);
    };
    add(totals, false);
    add(detail, true);
  }
  return { totals: [...totals.values()], detail: [...detail.values()] };
}

const byKey = (a: InsightGroup, b: InsightGroup) =>
  JSON.stringify([a.date, a.platform, a.campaign_id, a.campaign_name, a.currency]) <
  JSON.stringify([b.date, b.platform, b.campaign_id, b.campaign_name, b.currency])
    ? -1
    : 1;

/** EUR weighs 1 every day; USD swings between 0.4 and 1.6 from day to day. */
function weightsFor(since: string, until: string): RankingWeight[] {
  return [...eachDate(since, until)].flatMap((date, i) => [
    { currency: 'EUR', date, weight: 1 },
    { currency: 'USD', date, weight: 0.4 + ((i * 7) % 13) / 10 },
  ]);
}

describe('DuckDB rollups', () => {
  const platforms: Platform[] = ['google', 'meta'];
  // In three writes, the later ones adding rows to hours and days the earlier ones rolled up.
  const batches = [
    rows(1, '2026-02-27T00:00:00Z', '2026-03-25T00:00:00Z'),
    rows(2, '2026-03-24T13:00:00Z', '2026-04-12T00:00:00Z'),
    rows(3, '2026-03-08T05:00:00Z', '2026-03-08T09:00:00Z'),
  ];
  const all = batches.flat();
  let store: DuckDbInsightsStore;
  let path: string;

  before(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'wevion-rollups-')), 'insights.duckdb');
    store = await DuckDbInsightsStore.open(path);
    for (const batch of batches) await store.insertHourly(batch);
  });
  after(async () => store.close());

  async function assertAgrees(timezone: string) {
    const days = localDays('2026-03-03', '2026-04-08', timezone);
    const want = expected(all, days);
    const weights = weightsFor('2026-03-03', '2026-04-08');
    const got = await store.aggregate({
      workspaceId: 'ws_rollup',
      platforms,
      timezone,
      days,
      campaigns: { kind: 'top', limit: 3, weights },
    });
    assert.ok(want.totals.length > 0);
    assert.deepEqual(got.groups.sort(byKey), want.totals.sort(byKey), 'per-day totals');
    assert.deepEqual(
      got.campaignGroups.sort(byKey),
      topCampaignDetail(want.detail, weights, 3).sort(byKey),
      'top campaigns, ranked over every campaign',
    );
    // A date × platform CSV reads the platform rollup too.
    const exported: RowGroup[] = [];
    for await (const batch of store.exportGroups({
      workspaceId: 'ws_rollup',
      platforms,
      timezone,
      days,
      dimensions: ['date', 'platform'],
      periodOf: new Map(days.map((d) => [d.date, d.date])),
    }))
      exported.push(...batch);
    const sums = (g: RowGroup | InsightGroup) =>
      [
        g.date,
        g.platform,
        g.currency,
        g.spend_micros,
        g.impressions,
        g.clicks,
        g.conversions_micros,
        g.conversion_value_micros,
      ].join('|');
    assert.deepEqual(
      exported.map(sums).sort(),
      want.totals.map(sums).sort(),
      'date × platform export groups',
    );
    assert.ok(exported.every((g) => g.period === g.date && g.campaign_id === null));
  }

  // Both DST transitions where they exist: New York 03-08, Berlin 03-29, Chatham 04-05.
  for (const timezone of [
    'America/New_York',
    'Europe/Berlin',
    'Asia/Kolkata',
    'Pacific/Chatham',
    'UTC',
    'Pacific/Kiritimati',
  ]) {
    it(`when a report is read in ${timezone}, then the rollups give the rows' own sums and top campaigns to the micro`, async () => {
      await assertAgrees(timezone);
    });
  }

  it('when a file lost its rollups (or has an older version of them), then opening it sums them again', async () => {
    await store.withConnection(async (c) => {
      await c.run('DELETE FROM insights_platform_hourly');
      await c.run('DELETE FROM insights_campaign_daily');
      await c.run(`DELETE FROM store_metadata WHERE key = 'rollups'`);
    });
    await store.close();
    store = await DuckDbInsightsStore.open(path);
    await assertAgrees('Europe/Berlin');
  });

  it('when the rollups are rebuilt under a raised memory cap, then the store’s own cap applies again after', async () => {
    const capped = await DuckDbInsightsStore.open(':memory:', { memoryLimit: '32MB' });
    const cap = () =>
      capped.withConnection(
        async (c) =>
          (await c.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows()[0]![0],
      );
    try {
      const configured = await cap();
      await capped.insertHourly(batches[0]!);
      await capped.rebuildRollups();
      assert.equal(await cap(), configured);
      assert.match(String(configured), /^30\.5 MiB$/, 'DuckDB shows 32 MB in MiB');
    } finally {
      await capped.close();
    }
  });

  it('when two writes add to the same hours at once, then both land in the rows and the rollups', async () => {
    const concurrent = await DuckDbInsightsStore.open(':memory:');
    try {
      const batch = (campaign_id: string) =>
        Array.from({ length: 48 }, (_, h) =>
          hourly({
            workspace_id: 'ws_both',
            campaign_id,
            ts: new Date(Date.parse('2026-03-10T00:00:00Z') + h * 3_600_000),
          }),
        );
      await Promise.all([concurrent.insertHourly(batch('a')), concurrent.insertHourly(batch('b'))]);
      const { groups } = await concurrent.aggregate({
        workspaceId: 'ws_both',
        platforms: ['meta'],
        timezone: 'UTC',
        days: localDays('2026-03-10', '2026-03-11', 'UTC'),
        campaigns: { kind: 'none' },
      });
      assert.deepEqual(
        groups.map((g) => [g.date, g.row_count, g.spend_micros]),
        [
          ['2026-03-10', 48, 48_000_000n],
          ['2026-03-11', 48, 48_000_000n],
        ],
      );
    } finally {
      await concurrent.close();
    }
  });

  it('when a campaign spends only in the part-days at either end of a period, then it still ranks', async () => {
    const edge = await DuckDbInsightsStore.open(':memory:');
    try {
      const at = (ts: string, campaign_id: string, spend: string) =>
        hourly({ workspace_id: 'ws_edge', campaign_id, ts: new Date(ts), spend });
      await edge.insertHourly([
        // Kolkata's 2026-03-10 and 03-11 run from 03-09T18:30Z to 03-11T18:30Z.
        at('2026-03-09T20:00:00Z', 'first_part_day', '500'),
        at('2026-03-11T05:00:00Z', 'last_part_day', '400'),
        at('2026-03-10T12:00:00Z', 'whole_day', '300'),
        at('2026-03-10T13:00:00Z', 'small', '1'),
        // 23:30 and 00:30 local on the days around the period: not in it.
        at('2026-03-09T18:00:00Z', 'before', '9000'),
        at('2026-03-11T19:00:00Z', 'after', '9000'),
      ]);
      const { campaignGroups } = await edge.aggregate({
        workspaceId: 'ws_edge',
        platforms: ['meta'],
        timezone: 'Asia/Kolkata',
        days: localDays('2026-03-10', '2026-03-11', 'Asia/Kolkata'),
        campaigns: { kind: 'top', limit: 3, weights: weightsFor('2026-03-10', '2026-03-11') },
      });
      assert.deepEqual(campaignGroups.map((g) => g.campaign_id).sort(), [
        'first_part_day',
        'last_part_day',
        'whole_day',
      ]);
    } finally {
      await edge.close();
    }
  });
});
