import assert from 'node:assert/strict';
import type { ReportQuery } from '@wevion/shared';
import { buildReportDataset, type DatasetInputs } from '../../src/domain/build-dataset.ts';
import type { InsightGroup } from '../../src/domain/insight-group.ts';
import { rollUpByDay } from '../../src/domain/campaign-ranking.ts';
import { localDays } from '../../src/domain/local-days.ts';
import { group, query } from '../factories.ts';

/**
 * Hand-computed fixture, 2026-03-02 (Mon) and 03-03 (Tue), EUR target, USD rate 1.085 published
 * on 03-02 only:
 *   meta   03-02  100.00 EUR   10 000 impr  200 clicks  10 conv  500 value
 *   google 03-02   54.25 USD =  50.00 EUR   2 000 impr  100 clicks  5 conv  217 USD = 200 EUR
 *   meta   03-03   50.005 EUR   5 000 impr  100 clicks   4 conv  150 value
 *   google 03-03   10.85 USD =  10.00 EUR   1 000 impr    0 clicks  (zero-click day, 03-03 falls back to 03-02's rate)
 * Exact total spend 210.005 → 210.00 half-even; 50.005 → 50.00.
 */
const detail: InsightGroup[] = [
  group({
    date: '2026-03-02',
    platform: 'meta',
    spend: '100.00',
    impressions: 10_000n,
    clicks: 200n,
    conversions: '10',
    conversion_value: '500',
  }),
  group({
    date: '2026-03-02',
    platform: 'google',
    campaign_id: 'g1',
    campaign_name: 'Search, "brand"',
    currency: 'USD',
    spend: '54.25',
    impressions: 2_000n,
    clicks: 100n,
    conversions: '5',
    conversion_value: '217',
  }),
  group({
    date: '2026-03-03',
    platform: 'meta',
    spend: '50.005',
    impressions: 5_000n,
    clicks: 100n,
    conversions: '4',
    conversion_value: '150',
  }),
  group({
    date: '2026-03-03',
    platform: 'google',
    campaign_id: 'g1',
    campaign_name: 'Search, "brand"',
    currency: 'USD',
    spend: '10.85',
    impressions: 1_000n,
    clicks: 0n,
  }),
];

const current = { groups: rollUpByDay(detail), campaignGroups: detail };

/** Per-day totals and full campaign detail from campaign-level fixture groups. */
function split(groups: InsightGroup[]) {
  return { groups: rollUpByDay(groups), campaignGroups: groups };
}

function inputs(overrides: Partial<DatasetInputs> & { q?: ReportQuery } = {}): DatasetInputs {
  const q = overrides.q ?? query();
  return {
    query: q,
    days: localDays(q.since, q.until, q.timezone),
    current,
    previous: {
      since: '2026-02-28',
      until: '2026-03-01',
      groups: [
        group({
          date: '2026-03-01',
          spend: '80.00',
          impressions: 8_000n,
          clicks: 160n,
          conversions: '8',
          conversion_value: '400',
        }),
      ],
    },
    fx: { rates: [{ date: '2026-03-02', currency: 'USD', rate: '1.085' }], source: 'test rates' },
    freshness: [
      { platform: 'meta', latest_ts: '2026-03-03T23:00:00Z' },
      { platform: 'google', latest_ts: '2026-03-03T23:00:00Z' },
    ],
    now: new Date('2026-03-10T12:00:00Z'),
    ...overrides,
  };
}

describe('aggregation engine', () => {
  const dataset = buildReportDataset(inputs());

  it('when rows are in USD and EUR, then totals are converted exactly and rounded once, half-even', () => {
    assert.equal(dataset.totals.spend, 210);
    assert.equal(dataset.totals.impressions, 18_000);
    assert.equal(dataset.totals.clicks, 400);
    assert.equal(dataset.totals.conversions, 19);
    assert.equal(dataset.totals.conversion_value, 850);
    assert.equal(dataset.totals.ctr, 400 / 18_000);
    assert.equal(dataset.totals.cpc, 210.005 / 400);
    assert.equal(dataset.totals.cpm, (1000 * 210.005) / 18_000);
    assert.equal(dataset.totals.roas, 850 / 210.005);
    assert.equal(dataset.totals.cpa, 210.005 / 19);
  });

  it('when the trend is shown, then there is one point per day, money footed to the total', () => {
    // 150.00 then 60.005: on its own the second day rounds to 60.00 or 60.01 depending on the
    // rule; footed it is whatever makes the days add up to the rounded total of 210.00.
    assert.deepEqual(
      dataset.trend.map((t) => [t.date, t.spend, t.clicks]),
      [
        ['2026-03-02', 150, 300],
        ['2026-03-03', 60, 100],
      ],
    );
  });

  it('when totals are compared with the trend and the platform table, then every column adds up exactly', () => {
    for (const rows of [dataset.trend, dataset.platforms]) {
      const sum = (key: 'spend' | 'conversion_value' | 'impressions' | 'clicks' | 'conversions') =>
        rows.reduce((s, r) => s + r[key], 0);
      assert.equal(Math.round(sum('spend') * 100), Math.round(dataset.totals.spend * 100));
      assert.equal(
        Math.round(sum('conversion_value') * 100),
        Math.round(dataset.totals.conversion_value * 100),
      );
      assert.equal(sum('impressions'), dataset.totals.impressions);
      assert.equal(sum('clicks'), dataset.totals.clicks);
      assert.equal(sum('conversions'), dataset.totals.conversions);
    }
  });

  it('when each platform rounds down on its own, then the footed table still adds up to the total', () => {
    const q = query({ platforms: ['meta', 'google', 'tiktok'], compare_previous: false });
    const thirds = buildReportDataset(
      inputs({
        q,
        previous: null,
        current: split(
          (['meta', 'google', 'tiktok'] as const).map((platform) =>
            group({ platform, campaign_id: platform, spend: '10.005', impressions: 1n }),
          ),
        ),
      }),
    );
    // 30.015 rounds half-even to 30.02; 10.005 alone rounds to 10.00, three times 30.00.
    assert.equal(thirds.totals.spend, 30.02);
    assert.deepEqual(
      thirds.platforms.map((p) => [p.platform, p.spend]),
      [
        ['meta', 10],
        ['google', 10.01],
        ['tiktok', 10.01],
      ],
    );
  });

  it('when a day has impressions but no clicks or conversions, then ratios over zero are null, not NaN', () => {
    const zeroClick = buildReportDataset(inputs({ current: split([detail[3]!]), previous: null }));
    assert.equal(zeroClick.totals.ctr, 0);
    assert.equal(zeroClick.totals.cpc, null);
    assert.equal(zeroClick.totals.cpa, null);
    assert.equal(zeroClick.totals.roas, 0);
    assert.equal(zeroClick.totals.cpm, 10);
    const json = JSON.stringify(zeroClick);
    assert.doesNotMatch(json, /NaN|Infinity/);
  });

  it('when a date has no published rate, then the latest earlier rate is used and the fallback recorded', () => {
    const usd = dataset.fx.notes.find((n) => n.currency === 'USD')!;
    assert.deepEqual(usd.fallbacks, [
      { currency: 'USD', date: '2026-03-03', rate_date: '2026-03-02' },
    ]);
    assert.equal(usd.identity, false);
    assert.equal(usd.days_converted, 2);
    assert.equal(usd.rate_min, 1 / 1.085);
    assert.equal(dataset.fx.source, 'test rates');
    const eur = dataset.fx.notes.find((n) => n.currency === 'EUR')!;
    assert.deepEqual(
      [eur.identity, eur.rate_min, eur.rate_max, eur.fallbacks.length],
      [true, 1, 1, 0],
    );
  });

  it('when the target is the source currency, then amounts pass through untouched (no rates needed)', () => {
    const q = query({ platforms: ['meta'] });
    const eurOnly = buildReportDataset(
      inputs({
        q,
        current: split(detail.filter((g) => g.currency === 'EUR')),
        fx: { rates: [], source: 'none' },
      }),
    );
    assert.equal(eurOnly.totals.spend, 150);
    assert.equal(eurOnly.trend[1]!.spend, 50);
    assert.equal(eurOnly.totals.cpc, 150.005 / 300);
  });

  it('when the target is JPY, then money has no minor units', () => {
    const q = query({ target_currency: 'JPY', platforms: ['meta'], compare_previous: false });
    const jpy = buildReportDataset(
      inputs({
        q,
        previous: null,
        current: split([group({ date: '2026-03-02', spend: '1.23', conversion_value: '0.01' })]),
        fx: { rates: [{ date: '2026-03-02', currency: 'JPY', rate: '162.40' }], source: 'test' },
      }),
    );
    assert.equal(jpy.currency.minor_units, 0);
    assert.equal(jpy.totals.spend, 200); // 1.23 × 162.40 = 199.752
    assert.equal(jpy.totals.conversion_value, 2); // 1.624 → 2
  });

  it('when no rate exists on or before a date, then the report fails with a clear error', () => {
    assert.throws(
      () => buildReportDataset(inputs({ fx: { rates: [], source: 'none' } })),
      (error: Error & { code?: string }) =>
        error.code === 'fx_rate_missing' &&
        /No USD exchange rate is known on or before 2026-03-02/.test(error.message),
    );
  });

  it('when each platform’s trend is shown, then it has one point per day in the platform table’s order', () => {
    assert.deepEqual(
      dataset.platform_trend!.map((t) => [
        t.platform,
        t.points.map((p) => [p.date, p.spend, p.clicks]),
      ]),
      [
        [
          'meta',
          [
            ['2026-03-02', 100, 200],
            ['2026-03-03', 50, 100],
          ],
        ],
        [
          'google',
          [
            ['2026-03-02', 50, 100],
            ['2026-03-03', 10, 0],
          ],
        ],
      ],
    );
    assert.deepEqual(
      dataset.previous!.platforms!.map((p) => [
        p.platform,
        p.deltas.spend.previous,
        p.deltas.spend.change_ratio,
      ]),
      [
        ['meta', 80, (150 - 80) / 80],
        ['google', 0, null],
      ],
    );
  });

  it('when the previous period is compared, then deltas are current minus previous', () => {
    assert.equal(dataset.previous!.since, '2026-02-28');
    assert.equal(dataset.previous!.totals.spend, 80);
    assert.deepEqual(dataset.previous!.deltas.spend, {
      current: 210,
      previous: 80,
      change: 130,
      change_ratio: 130 / 80,
    });
    assert.equal(dataset.previous!.deltas.cpa.previous, 10);
    assert.equal(dataset.rows_scanned, 24 * 5);
  });

  it('when platforms and campaigns are ranked, then by spend with shares of the total', () => {
    assert.deepEqual(
      dataset.platforms.map((p) => [p.platform, p.spend, p.spend_share]),
      [
        ['meta', 150, 150 / 210],
        ['google', 60, 60 / 210],
      ],
    );
    assert.deepEqual(
      dataset.channel_mix.map((c) => c.share),
      [150 / 210, 60 / 210],
    );
    assert.deepEqual(
      dataset.top_campaigns.map((c) => [c.campaign_id, c.campaign_name, c.spend]),
      [
        ['c1', 'Campaign one', 150],
        ['g1', 'Search, "brand"', 60],
      ],
    );
    const top1 = buildReportDataset(inputs({ q: query({ top_n: 1 }) }));
    assert.equal(top1.top_campaigns.length, 1);
  });

  it('when a requested platform has no data or the period is still running, then warnings say so', () => {
    const q = query({ platforms: ['meta', 'google', 'tiktok'] });
    const warned = buildReportDataset(inputs({ q, now: new Date('2026-03-03T12:00:00Z') }));
    const codes = warned.warnings.map((w) => w.code);
    assert.ok(codes.includes('platform_without_data'));
    assert.match(
      warned.warnings.find((w) => w.code === 'platform_without_data')!.message,
      /TikTok has no data/,
    );
    assert.ok(codes.includes('period_incomplete'));
    assert.deepEqual(dataset.warnings, []);
  });

  it('when a platform stopped sending data days before the period ends, then a stale-data warning names it', () => {
    const stale = buildReportDataset(
      inputs({
        freshness: [
          { platform: 'google', latest_ts: '2026-03-01T10:00:00Z' },
          { platform: 'meta', latest_ts: '2026-03-03T23:00:00Z' },
        ],
      }),
    );
    assert.deepEqual(
      stale.warnings.map((w) => w.code),
      ['data_stale'],
    );
    assert.match(stale.warnings[0]!.message, /Google Ads data ends at 2026-03-01T10:00:00Z/);
  });

  it('when the time zone has a DST change in the period, then the timezone note says which day', () => {
    const q = query({ since: '2026-03-07', until: '2026-03-09', timezone: 'America/New_York' });
    const ny = buildReportDataset(inputs({ q, current: split([]), previous: null }));
    assert.match(ny.timezone_note, /America\/New_York \(UTC-05:00 \/ UTC-04:00\)/);
    assert.match(ny.timezone_note, /2026-03-08 has 23 hours/);
    assert.equal(ny.trend.length, 3);
    assert.ok(ny.trend.every((t) => t.spend === 0 && t.cpc === null));
  });
});
