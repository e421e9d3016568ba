import assert from 'node:assert/strict';
import { localDays } from '../src/domain/local-days.ts';
import type { RowGroup } from '../src/domain/insight-group.ts';
import type { ExportGroupsRequest, InsightsStore } from '../src/ports.ts';
import { everyHour, hourly } from './factories.ts';

async function collect(batches: AsyncIterable<RowGroup[]>): Promise<RowGroup[]> {
  const all: RowGroup[] = [];
  for await (const batch of batches) {
    assert.ok(batch.length > 0, 'a batch holds at least one group');
    all.push(...batch);
  }
  return all;
}

/** More groups than one DuckDB chunk (2,048 rows) or one MongoDB cursor batch holds. */
const MANY_CAMPAIGNS = 2_100;

/**
 * What every InsightsStore adapter must do, with hand-computed expectations. Run against
 * DuckDB always and against MongoDB when MONGODB_URI is set.
 */
export function insightsStoreContract(open: () => Promise<InsightsStore>): void {
  let store: InsightsStore;

  before(async () => {
    store = await open();
    await store.insertHourly([
      // One row an hour across New York's spring-forward day, 1 impression each.
      ...everyHour('2026-03-08T00:00:00Z', '2026-03-09T08:00:00Z', {
        workspace_id: 'ws_ny',
        impressions: 1,
      }),
      // Berlin's fall-back day, in two campaigns and two currencies.
      ...everyHour('2026-10-24T20:00:00Z', '2026-10-26T01:00:00Z', {
        workspace_id: 'ws_berlin',
        spend: '0.10',
      }),
      ...everyHour('2026-10-24T20:00:00Z', '2026-10-26T01:00:00Z', {
        workspace_id: 'ws_berlin',
        campaign_id: 'c2',
        campaign_name: '=SUM(A1:A9), "quoted"\nsecond line 🚀',
        platform: 'google',
        currency: 'USD',
        spend: '1234567.891234',
        clicks: 0,
        conversions: '0.5',
        conversion_value: '10.000001',
      }),
      // Kolkata (+05:30): the 18:00Z row is 23:30 local, the 19:00Z row 00:30 the next day.
      ...everyHour('2026-10-24T17:00:00Z', '2026-10-25T20:00:00Z', { workspace_id: 'ws_kolkata' }),
      // Another tenant on the same platform and hours must never leak in.
      ...everyHour('2026-03-08T00:00:00Z', '2026-03-09T08:00:00Z', {
        workspace_id: 'ws_other',
        impressions: 1000,
      }),
      hourly({
        workspace_id: 'ws_berlin',
        platform: 'tiktok',
        ts: new Date('2026-11-02T07:00:00Z'),
      }),
      // A campaign renamed mid-week, in a second ad account.
      ...everyHour('2026-10-19T00:00:00Z', '2026-10-22T00:00:00Z', {
        workspace_id: 'ws_weeks',
        account_id: 'act_b',
        campaign_id: 'c9',
        campaign_name: 'Old name',
        spend: '0.01',
      }),
      ...everyHour('2026-10-22T00:00:00Z', '2026-11-03T00:00:00Z', {
        workspace_id: 'ws_weeks',
        account_id: 'act_b',
        campaign_id: 'c9',
        campaign_name: 'New name',
        spend: '0.01',
      }),
      ...everyHour('2026-10-19T00:00:00Z', '2026-11-03T00:00:00Z', {
        workspace_id: 'ws_weeks',
        account_id: 'act_a',
        platform: 'google',
        currency: 'USD',
        spend: '0.02',
      }),
      ...Array.from({ length: MANY_CAMPAIGNS }, (_, i) =>
        hourly({
          workspace_id: 'ws_many',
          campaign_id: `c${String(i).padStart(5, '0')}`,
          ts: new Date('2026-10-20T10:00:00Z'),
        }),
      ),
    ]);
    await store.replaceFxRates(
      [
        { date: '2026-10-20', currency: 'USD', rate: '1.0801' },
        { date: '2026-10-23', currency: 'USD', rate: '1.0850' },
        { date: '2026-10-26', currency: 'USD', rate: '1.0870' },
        { date: '2026-10-23', currency: 'JPY', rate: '162.40' },
      ],
      'contract test rates',
    );
  });

  after(async () => store.close());

  it('when New York springs forward, then the day holds 23 hourly rows and its neighbours the rest', async () => {
    const groups = await store.aggregate({
      workspaceId: 'ws_ny',
      platforms: ['meta'],
      timezone: 'America/New_York',
      days: localDays('2026-03-07', '2026-03-09', 'America/New_York'),
      campaigns: { kind: 'none' },
    });
    const byDate = Object.fromEntries(
      groups.groups.map((g) => [g.date, [g.impressions, g.row_count]]),
    );
    assert.deepEqual(groups.campaignGroups, []);
    assert.deepEqual(byDate, {
      '2026-03-07': [5n, 5],
      '2026-03-08': [23n, 23],
      '2026-03-09': [4n, 4],
    });
  });

  it('when Berlin falls back, then the day holds 25 rows, sums are exact and currencies stay apart', async () => {
    const detail = await collect(
      store.exportGroups({
        workspaceId: 'ws_berlin',
        platforms: ['meta', 'google'],
        timezone: 'Europe/Berlin',
        days: localDays('2026-10-25', '2026-10-25', 'Europe/Berlin'),
        dimensions: ['date', 'platform', 'account', 'campaign'],
        periodOf: new Map([['2026-10-25', '2026-10-25']]),
      }),
    );
    assert.equal(detail.length, 2);
    const [meta, google] = detail;
    assert.deepEqual(meta, {
      period: '2026-10-25',
      platform: 'meta',
      account_id: 'act_1',
      campaign_id: 'c1',
      campaign_name: 'Campaign one',
      date: '2026-10-25',
      currency: 'EUR',
      spend_micros: 2_500_000n,
      impressions: 2_500n,
      clicks: 25n,
      conversions_micros: 0n,
      conversion_value_micros: 0n,
    });
    assert.equal(google!.currency, 'USD');
    assert.equal(google!.campaign_name, '=SUM(A1:A9), "quoted"\nsecond line 🚀');
    assert.equal(google!.spend_micros, 1_234_567_891_234n * 25n);
    assert.equal(google!.conversions_micros, 12_500_000n);
    assert.equal(google!.conversion_value_micros, 10_000_001n * 25n);
    assert.equal(google!.clicks, 0n);
  });

  it('when top campaign detail is asked, then per-day totals still carry no campaign', async () => {
    const { groups, campaignGroups } = await store.aggregate({
      workspaceId: 'ws_berlin',
      platforms: ['meta', 'google'],
      timezone: 'Europe/Berlin',
      days: localDays('2026-10-25', '2026-10-25', 'Europe/Berlin'),
      campaigns: {
        kind: 'top',
        limit: 10,
        weights: [
          { currency: 'EUR', date: '2026-10-25', weight: 1 },
          { currency: 'USD', date: '2026-10-25', weight: 1 },
        ],
      },
    });
    assert.deepEqual(
      groups
        .map((g) => [g.platform, g.campaign_id, g.campaign_name, g.currency, g.row_count])
        .sort(),
      [
        ['google', null, null, 'USD', 25],
        ['meta', null, null, 'EUR', 25],
      ],
    );
    assert.deepEqual(campaignGroups.map((g) => g.campaign_id).sort(), ['c1', 'c2']);
  });

  it('when an export is grouped by platform then week, then groups come in key order with their periods', async () => {
    const since = '2026-10-21'; // a Wednesday: its week's row starts on the range's first day
    const days = localDays(since, '2026-11-02', 'UTC');
    const weekOf = (date: string) =>
      date < '2026-10-26' ? since : date < '2026-11-02' ? '2026-10-26' : '2026-11-02';
    const request: ExportGroupsRequest = {
      workspaceId: 'ws_weeks',
      platforms: ['google', 'meta'],
      timezone: 'UTC',
      days,
      dimensions: ['platform', 'date'],
      periodOf: new Map(days.map((d) => [d.date, weekOf(d.date)])),
    };
    const groups = await collect(store.exportGroups(request));
    assert.deepEqual(
      [...new Set(groups.map((g) => `${g.platform} ${g.period}`))],
      [
        'google 2026-10-21',
        'google 2026-10-26',
        'google 2026-11-02',
        'meta 2026-10-21',
        'meta 2026-10-26',
        'meta 2026-11-02',
      ],
    );
    assert.equal(groups.length, 2 * 13, 'one group per platform, local date and currency');
    assert.ok(groups.every((g) => g.account_id === null && g.campaign_id === null));
    const dates = groups.filter((g) => g.platform === 'meta').map((g) => g.date);
    assert.deepEqual(dates, [...dates].sort(), 'dates ascend within a key');
    assert.equal(
      groups.filter((g) => g.platform === 'meta').reduce((n, g) => n + g.spend_micros, 0n),
      13n * 24n * 10_000n,
    );
  });

  it('when an export is grouped by account and campaign, then ids sort and a renamed campaign has its latest name', async () => {
    const groups = await collect(
      store.exportGroups({
        workspaceId: 'ws_weeks',
        platforms: ['meta', 'google'],
        timezone: 'UTC',
        days: localDays('2026-10-19', '2026-10-25', 'UTC'),
        dimensions: ['account', 'campaign'],
        periodOf: new Map(),
      }),
    );
    assert.deepEqual(
      [...new Set(groups.map((g) => `${g.account_id} ${g.currency} ${g.campaign_id}`))],
      ['act_a USD c1', 'act_b EUR c9'],
    );
    assert.deepEqual(
      groups.filter((g) => g.campaign_id === 'c9').map((g) => [g.date, g.campaign_name]),
      [
        ['2026-10-19', 'Old name'],
        ['2026-10-20', 'Old name'],
        ['2026-10-21', 'Old name'],
        ['2026-10-22', 'New name'],
        ['2026-10-23', 'New name'],
        ['2026-10-24', 'New name'],
        ['2026-10-25', 'New name'],
      ],
    );
    assert.ok(groups.every((g) => g.platform === null && g.period === null));
  });

  it('when an export has more groups than one batch, then every group streams through once, in order', async () => {
    const groups = await collect(
      store.exportGroups({
        workspaceId: 'ws_many',
        platforms: ['meta'],
        timezone: 'UTC',
        days: localDays('2026-10-20', '2026-10-20', 'UTC'),
        dimensions: ['campaign'],
        periodOf: new Map(),
      }),
    );
    assert.equal(groups.length, MANY_CAMPAIGNS);
    const ids = groups.map((g) => g.campaign_id!);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, MANY_CAMPAIGNS);
  });

  it('when only top campaigns are asked, then the store ranks by weighted spend and returns their detail', async () => {
    const request = {
      workspaceId: 'ws_berlin',
      platforms: ['meta', 'google'] as const,
      timezone: 'UTC',
      days: localDays('2026-10-25', '2026-10-25', 'UTC'),
    };
    // Weighted: meta 24 × 0.10 × 1 = 2.4; google 24 × 1 234 567.89 × 0.000001 ≈ 29.6.
    const weights = [
      { currency: 'EUR', date: '2026-10-25', weight: 1 },
      { currency: 'USD', date: '2026-10-25', weight: 0.000001 },
    ];
    const top = await store.aggregate({
      ...request,
      campaigns: { kind: 'top', limit: 1, weights },
    });
    assert.deepEqual(
      top.campaignGroups.map((g) => [g.campaign_id, g.row_count]),
      [['c2', 24]],
    );
    assert.equal(top.groups.length, 2);
    const flipped = weights.map((w) => (w.currency === 'USD' ? { ...w, weight: 1e-9 } : w));
    const other = await store.aggregate({
      ...request,
      campaigns: { kind: 'top', limit: 1, weights: flipped },
    });
    assert.deepEqual(
      other.campaignGroups.map((g) => g.campaign_id),
      ['c1'],
    );
  });

  it('when the zone is Asia/Kolkata, then rows split at 18:30Z', async () => {
    const groups = await store.aggregate({
      workspaceId: 'ws_kolkata',
      platforms: ['meta'],
      timezone: 'Asia/Kolkata',
      days: localDays('2026-10-24', '2026-10-25', 'Asia/Kolkata'),
      campaigns: { kind: 'none' },
    });
    const byDate = Object.fromEntries(groups.groups.map((g) => [g.date, g.row_count]));
    // 17:00Z and 18:00Z on 10-24 are 22:30 and 23:30 local; 19:00Z 10-24 … 18:00Z 10-25 make 10-25.
    assert.deepEqual(byDate, { '2026-10-24': 2, '2026-10-25': 24 });
  });

  it('when platforms are filtered, then only those platforms come back', async () => {
    const request = {
      workspaceId: 'ws_berlin',
      platforms: ['google'] as const,
      timezone: 'UTC',
      days: localDays('2026-10-24', '2026-10-26', 'UTC'),
    };
    const groups = await store.aggregate({ ...request, campaigns: { kind: 'none' } });
    assert.deepEqual([...new Set(groups.groups.map((g) => g.platform))], ['google']);
    assert.equal(
      groups.groups.reduce((n, g) => n + g.row_count, 0),
      29,
    );
    const exported = await collect(
      store.exportGroups({ ...request, dimensions: ['platform', 'campaign'], periodOf: new Map() }),
    );
    assert.deepEqual([...new Set(exported.map((g) => g.platform))], ['google']);
  });

  it('when freshness is asked, then the newest hour per platform comes back, null without data', async () => {
    const freshness = await store.freshness('ws_berlin', ['meta', 'tiktok', 'reddit']);
    assert.deepEqual(freshness, [
      { platform: 'meta', latest_ts: '2026-10-26T00:00:00Z' },
      { platform: 'tiktok', latest_ts: '2026-11-02T07:00:00Z' },
      { platform: 'reddit', latest_ts: null },
    ]);
  });

  it('when rates are asked for a window, then the latest earlier rate per currency comes too', async () => {
    const rates = await store.fxRates(['USD', 'JPY', 'GBP'], '2026-10-24', '2026-10-31');
    const normalised = rates
      .map((r) => [r.date, r.currency, Number(r.rate)])
      .sort(
        (a, b) =>
          String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])),
      );
    assert.deepEqual(normalised, [
      ['2026-10-23', 'JPY', 162.4],
      ['2026-10-23', 'USD', 1.085],
      ['2026-10-26', 'USD', 1.087],
    ]);
    assert.deepEqual(await store.fxCurrencies(), ['EUR', 'JPY', 'USD']);
    assert.equal(await store.fxSource(), 'contract test rates');
  });
}
