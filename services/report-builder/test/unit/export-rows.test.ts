import assert from 'node:assert/strict';
import {
  claimCheckFields,
  csvLayoutOf,
  eachDate,
  periodStart,
  type CsvLayoutInput,
  type CampaignLine,
  type ClaimCheckRow,
  type Platform,
  type RowValues,
} from '@wevion/shared';
import { CurrencyConverter } from '../../src/domain/currency-converter.ts';
import { parseDecimal } from '../../src/domain/exact-money.ts';
import { exportRows } from '../../src/domain/export-rows.ts';
import { FxTable } from '../../src/domain/fx-table.ts';
import type { RowGroup } from '../../src/domain/insight-group.ts';
import { RunningTotalRounding } from '../../src/domain/running-total.ts';

function rowGroup(overrides: Partial<RowGroup> & { spend?: string; value?: string }): RowGroup {
  const { spend = '0', value = '0', ...rest } = overrides;
  return {
    period: null,
    platform: null,
    account_id: null,
    campaign_id: null,
    campaign_name: null,
    date: '2026-03-02',
    currency: 'EUR',
    impressions: 100n,
    clicks: 10n,
    conversions_micros: 1_000_000n,
    ...rest,
    spend_micros: parseDecimal(spend, 6),
    conversion_value_micros: parseDecimal(value, 6),
  };
}

/** The groups in batches of two, so rows also straddle batch boundaries. */
async function* batchesOf<T>(items: readonly T[]): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += 2) yield items.slice(i, i + 2);
}

/** A row as the file shows it: the campaign by id and name, not by its number on the lines. */
type Row = Omit<ClaimCheckRow, 'campaign'> & { campaign_id?: string; campaign_name?: string };

async function rowsOf(
  groups: RowGroup[],
  layoutInput: CsvLayoutInput,
  options: { platforms?: Platform[]; since?: string; until?: string } = {},
) {
  const layout = csvLayoutOf(layoutInput);
  const since = options.since ?? '2026-03-02';
  const dates = eachDate(since, options.until ?? '2026-03-03');
  const rows: Row[] = [];
  const campaigns: CampaignLine[] = [];
  const fields = claimCheckFields(layout);
  const generator = exportRows(batchesOf(groups), {
    layout,
    platforms: options.platforms ?? ['meta', 'google'],
    periods: [...new Set(dates.map((d) => periodStart(d, layout.granularity, since)))],
    converter: new CurrencyConverter(
      new FxTable([{ date: '2026-03-01', currency: 'USD', rate: '1.085' }]),
      'EUR',
    ),
    minorUnits: 2,
    fields,
  });
  let next = await generator.next();
  while (!next.done) {
    // Each line's values back under their names, its campaign's too, as the assertions read them.
    for (const item of next.value) {
      if (!Array.isArray(item)) {
        campaigns.push(item as CampaignLine);
        continue;
      }
      const { campaign, ...row } = Object.fromEntries(
        fields.map((f, k) => [f, (item as RowValues)[k]]),
      ) as unknown as ClaimCheckRow;
      const named = campaign === undefined ? null : campaigns[campaign]!;
      rows.push(named ? { ...row, campaign_id: named.id, campaign_name: named.name } : row);
    }
    next = await generator.next();
  }
  return { rows, totals: next.value, campaigns };
}

const cents = (rows: Row[], key: 'spend' | 'conversion_value') =>
  rows.reduce((sum, r) => sum + Math.round(Number(r[key]) * 100), 0);

describe('export rows (the CSV engine)', () => {
  it('when a period starts, then days are themselves, weeks start on Monday and months on the 1st, never before the range', () => {
    assert.equal(periodStart('2026-03-04', 'day', '2026-03-01'), '2026-03-04');
    assert.equal(periodStart('2026-03-04', 'week', '2026-03-01'), '2026-03-02'); // Wednesday → Monday
    assert.equal(periodStart('2026-03-08', 'week', '2026-03-01'), '2026-03-02'); // Sunday ends the ISO week
    assert.equal(periodStart('2026-03-01', 'week', '2026-03-01'), '2026-03-01'); // cut by the range
    assert.equal(periodStart('2026-03-31', 'month', '2026-03-01'), '2026-03-01');
    assert.equal(periodStart('2026-04-02', 'month', '2026-03-15'), '2026-04-01');
    assert.equal(periodStart('2026-03-20', 'month', '2026-03-15'), '2026-03-15');
    assert.equal(periodStart('2026-03-20', 'total', '2026-03-15'), null);
  });

  it('when running-total rounding is applied, then cells add up to the rounded total and stay within a cent', () => {
    const footing = new RunningTotalRounding(2);
    // 0.005 EUR ten times: alone each would round to 0.00 (half-even), ten times 0.00.
    const exact = Array.from({ length: 10 }, () => parseDecimal('0.005', 24));
    const cells = exact.map((x) => footing.next(x));
    assert.equal(
      cells.reduce((a, b) => a + b, 0n),
      5n,
    );
    assert.equal(footing.total, 5n);
    assert.ok(cells.every((c) => c === 0n || c === 1n));
    // Running totals 0.005, 0.010, 0.015 … round half-even to 0.00, 0.01, 0.02, 0.02, 0.02, 0.03 …
    assert.deepEqual(cells, [0n, 1n, 1n, 0n, 0n, 1n, 1n, 0n, 0n, 1n]);
  });

  it('when the layout is the default, then every date × platform with data in the report is a row, zeros included', async () => {
    const { rows } = await rowsOf(
      [
        rowGroup({ period: '2026-03-02', platform: 'google', spend: '1.00' }),
        rowGroup({ period: '2026-03-03', platform: 'meta', date: '2026-03-03', spend: '2.00' }),
      ],
      {},
      { platforms: ['meta', 'google', 'tiktok'] },
    );
    assert.deepEqual(
      rows.map((r) => [r.date, r.platform, r.spend, r.clicks]),
      [
        ['2026-03-02', 'meta', '0.00', 0],
        ['2026-03-02', 'google', '1.00', 10],
        ['2026-03-03', 'meta', '2.00', 10],
        ['2026-03-03', 'google', '0.00', 0],
      ],
      'tiktok has no data at all, so it has no rows; the others have one per day',
    );
    // A row carries the sums its ratios divide, not the ratios: the reader derives them. Money
    // the layout does not show (conversion value) is there only unrounded, for ROAS.
    assert.deepEqual([rows[0]!.spend_unrounded, rows[0]!.clicks], [0, 0]);
    assert.deepEqual(Object.keys(rows[0]!).sort(), [
      'clicks',
      'conversion_value_unrounded',
      'conversions',
      'date',
      'impressions',
      'platform',
      'spend',
      'spend_unrounded',
    ]);
  });

  it('when platform comes before date, then the grid is ordered platform first', async () => {
    const { rows } = await rowsOf(
      [
        rowGroup({ period: '2026-03-02', platform: 'meta', spend: '1.00' }),
        rowGroup({ period: '2026-03-02', platform: 'google', spend: '1.00' }),
      ],
      { dimensions: ['platform', 'date'] },
    );
    assert.deepEqual(
      rows.map((r) => `${r.platform} ${r.date}`),
      ['meta 2026-03-02', 'meta 2026-03-03', 'google 2026-03-02', 'google 2026-03-03'],
    );
  });

  it('when a campaign has a row on each day, then its lines name it once, and once more when renamed', async () => {
    const days = ['2026-03-02', '2026-03-03', '2026-03-04'];
    const groups = days.flatMap((day) =>
      ['c1', 'c2'].map((id) =>
        rowGroup({
          period: day,
          date: day,
          campaign_id: id,
          campaign_name: id === 'c2' && day === '2026-03-04' ? 'c2 renamed' : `${id} name`,
        }),
      ),
    );
    const { rows, campaigns } = await rowsOf(
      groups,
      { dimensions: ['date', 'campaign'] },
      { until: '2026-03-04' },
    );
    assert.deepEqual(
      campaigns.map(({ ref, id, name }) => [ref, id, name]),
      [
        [0, 'c1', 'c1 name'],
        [1, 'c2', 'c2 name'],
        [2, 'c2', 'c2 renamed'],
      ],
    );
    assert.deepEqual(
      rows.map((r) => [r.date, r.campaign_id, r.campaign_name]),
      days.flatMap((day) => [
        [day, 'c1', 'c1 name'],
        [day, 'c2', day === '2026-03-04' ? 'c2 renamed' : 'c2 name'],
      ]),
    );
  });

  it('when consecutive groups share a key, then they make one row converted at each day’s rate', async () => {
    const { rows, totals } = await rowsOf(
      [
        rowGroup({ account_id: 'a1', campaign_id: 'c1', campaign_name: 'Old', spend: '10.00' }),
        rowGroup({
          account_id: 'a1',
          campaign_id: 'c1',
          campaign_name: 'New, "renamed"',
          date: '2026-03-03',
          spend: '5.00',
        }),
        rowGroup({
          account_id: 'a2',
          campaign_id: 'c2',
          currency: 'USD',
          campaign_name: 'Dollar',
          spend: '54.25',
          value: '108.50',
        }),
      ],
      {
        dimensions: ['account', 'campaign'],
        granularity: 'total',
        metrics: ['spend', 'impressions', 'conversion_value', 'roas'],
      },
    );
    assert.deepEqual(
      rows.map((r) => [r.account_id, r.account_currency, r.campaign_id, r.campaign_name, r.spend]),
      [
        ['a1', 'EUR', 'c1', 'New, "renamed"', '15.00'],
        ['a2', 'USD', 'c2', 'Dollar', '50.00'],
      ],
    );
    assert.equal(rows[1]!.conversion_value, '100.00');
    assert.deepEqual([rows[1]!.spend_unrounded, rows[1]!.conversion_value_unrounded], [50, 100]);
    assert.equal(rows[0]!.impressions, 200);
    assert.deepEqual(totals, { spend: '65.00', conversion_value: '100.00' });
    assert.ok(rows.every((r) => !('date' in r) && !('platform' in r)));
  });

  it('when a row’s groups are in two currencies, then only an account layout splits them', async () => {
    const euroAndDollar = [
      rowGroup({ account_id: 'a1', period: '2026-03-02', platform: 'meta', spend: '10.00' }),
      rowGroup({
        account_id: 'a1',
        period: '2026-03-02',
        platform: 'meta',
        currency: 'USD',
        spend: '54.25',
      }),
    ];
    const byAccount = await rowsOf(euroAndDollar, {
      dimensions: ['account'],
      granularity: 'total',
    });
    assert.deepEqual(
      byAccount.rows.map((r) => [r.account_id, r.account_currency, r.spend]),
      [
        ['a1', 'EUR', '10.00'],
        ['a1', 'USD', '50.00'],
      ],
      'an account is listed once per currency it spends in',
    );
    // The store leaves out the dimensions a layout lacks, so these groups differ by currency alone.
    const grid = await rowsOf(
      euroAndDollar.map((g) => ({ ...g, account_id: null })),
      { dimensions: ['date', 'platform'] },
      { platforms: ['meta'], until: '2026-03-02' },
    );
    assert.deepEqual(
      grid.rows.map((r) => [r.date, r.platform, r.spend]),
      [['2026-03-02', 'meta', '60.00']],
      'a date × platform row sums every currency, converted',
    );
  });

  it('when many rows each hold half a cent, then the money column adds up to the report total exactly', async () => {
    const groups = Array.from({ length: 101 }, (_, i) =>
      rowGroup({
        campaign_id: `c${String(i).padStart(3, '0')}`,
        spend: '0.125',
        value: '1.005',
      }),
    );
    const layout: CsvLayoutInput = {
      dimensions: ['campaign'],
      granularity: 'total',
      metrics: ['spend', 'conversion_value'],
    };
    const { rows, totals } = await rowsOf(groups, layout);
    // 101 × 0.125 = 12.625 → 12.62 (half-even); rounded alone, 101 × 0.12 = 12.12.
    assert.equal(totals.spend, '12.62');
    assert.equal(cents(rows, 'spend'), 1262);
    // 101 × 1.005 = 101.505 → 101.50 (half-even).
    assert.equal(totals.conversion_value, '101.50');
    assert.equal(cents(rows, 'conversion_value'), 10150);
    assert.ok(rows.every((r) => Math.abs(Number(r.spend) - 0.125) <= 0.01));
    const again = await rowsOf(groups, layout);
    assert.deepEqual(again.rows, rows, 'the same query always gives the same file');
  });

  it('when the layout has no date, then granularity defaults to total and a finer one is refused', () => {
    assert.equal(csvLayoutOf({ dimensions: ['campaign'] }).granularity, 'total');
    assert.throws(
      () => csvLayoutOf({ dimensions: ['campaign'], granularity: 'week' }),
      /"granularity" week needs "date" among the dimensions/,
    );
    assert.equal(csvLayoutOf({ granularity: 'daily' }).granularity, 'day');
  });

  it('when the store has nothing for the report, then there are no rows and totals are zero', async () => {
    const { rows, totals } = await rowsOf([], {});
    assert.deepEqual(rows, []);
    assert.deepEqual(totals, { spend: '0.00', conversion_value: '0.00' });
  });
});
