import { randomUUID } from 'node:crypto';
import {
  addDays,
  claimCheckKey,
  type RenderReportMessage,
  csvLayoutOf,
  EXPORT_ROWS_SCHEMA_VERSION,
  type CampaignLine,
  type ClaimCheckField,
  type ExportRowsHeader,
  type RowValues,
  METRIC_NAMES,
  PLATFORMS,
  type Metrics,
  type MetricName,
  type Platform,
  type ReportDataset,
} from '@wevion/shared';

type PlatformDayRow = Metrics & { date: string; platform: Platform };

/** Metrics from raw sums, the way the engine derives them. */
export function metricsOf(
  spend: number,
  impressions: number,
  clicks: number,
  conversions: number,
  value: number,
): Metrics {
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  return {
    spend,
    impressions,
    clicks,
    conversions,
    conversion_value: value,
    ctr: ratio(clicks, impressions),
    cpc: ratio(spend, clicks),
    cpm: impressions === 0 ? null : (1000 * spend) / impressions,
    roas: ratio(value, spend),
    cpa: ratio(spend, conversions),
  };
}

function sum(items: readonly Metrics[]): Metrics {
  const t = items.reduce(
    (a, m) => ({
      s: a.s + m.spend,
      i: a.i + m.impressions,
      c: a.c + m.clicks,
      v: a.v + m.conversions,
      cv: a.cv + m.conversion_value,
    }),
    { s: 0, i: 0, c: 0, v: 0, cv: 0 },
  );
  return metricsOf(Math.round(t.s * 100) / 100, t.i, t.c, t.v, Math.round(t.cv * 100) / 100);
}

function weekendFallbacks(currency: string, since: string, days: number) {
  return Array.from({ length: days }, (_, d) => addDays(since, d)).flatMap((date) => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday === 6 || weekday === 0
      ? [{ currency, date, rate_date: addDays(date, weekday === 6 ? -1 : -2) }]
      : [];
  });
}

type Deltas = NonNullable<ReportDataset['previous']>['deltas'];

function deltasOf(now: Metrics, before: Metrics): Deltas {
  return Object.fromEntries(
    METRIC_NAMES.map((name: MetricName) => {
      const current = now[name];
      const previous = before[name];
      const change = current === null || previous === null ? null : current - previous;
      return [
        name,
        {
          current,
          previous,
          change,
          change_ratio: change === null || !previous ? null : change / Math.abs(previous),
        },
      ];
    }),
  ) as Deltas;
}

/** The same activity at `k` times the volume, conversions growing slower than spend. */
function scaled(m: Metrics, k: number): Metrics {
  return metricsOf(
    Math.round(m.spend * k * 100) / 100,
    Math.round(m.impressions * k),
    Math.round(m.clicks * k),
    Math.round(m.conversions * k * 0.9),
    Math.round(m.conversion_value * k * 90) / 100,
  );
}

export interface FixtureOptions {
  platforms?: number;
  days?: number;
  campaignNames?: readonly string[];
  zero?: boolean;
  currency?: string;
  minorUnits?: number;
  /** No row at all for the range (every figure zero, rows_scanned 0). */
  noRows?: boolean;
  /** A previous period a hair's breadth from this one: values that print alike but differ. */
  nearlyUnchanged?: boolean;
}

/** A consistent ReportDataset (totals are the sums of its days) with deterministic numbers. */
export function fixtureDataset(options: FixtureOptions = {}): ReportDataset {
  const platforms = PLATFORMS.slice(0, options.platforms ?? 2) as Platform[];
  const days = options.days ?? 7;
  const since = '2026-08-01';
  const until = addDays(since, days - 1);
  const rows: PlatformDayRow[] = [];
  for (let d = 0; d < days; d++) {
    for (const [p, platform] of platforms.entries()) {
      const k = options.zero ? 0 : 1 + ((d * 7 + p * 13) % 10) / 10;
      rows.push({
        date: addDays(since, d),
        platform,
        ...metricsOf(
          (Math.round(1000 * k * (p + 1)) / 100) * 10,
          Math.round(50_000 * k),
          Math.round(600 * k),
          Math.round(20 * k),
          (Math.round(3000 * k * (p + 1)) / 10) * 10,
        ),
      });
    }
  }
  const totals = sum(rows);
  const platformTotals = platforms.map((platform) => {
    const m = sum(rows.filter((r) => r.platform === platform));
    return { platform, ...m, spend_share: totals.spend ? m.spend / totals.spend : null };
  });
  const names = options.campaignNames ?? ['Brand Search', 'Retargeting, EU', 'Prospecting "Broad"'];
  const previousTotals = options.zero
    ? metricsOf(0, 0, 0, 0, 0)
    : options.nearlyUnchanged
      ? metricsOf(
          totals.spend * 0.999999,
          totals.impressions + 1,
          // CPC €0.4996 against €0.5000: alike to a tenth of a cent, a +0.1% change unrounded.
          Math.round(totals.clicks * 1.0008),
          totals.conversions,
          totals.conversion_value * 0.999999,
        )
      : metricsOf(
          totals.spend * 0.9,
          Math.round(totals.impressions * 1.1),
          Math.round(totals.clicks * 0.95),
          Math.round(totals.conversions * 0.8),
          totals.conversion_value * 0.85,
        );
  const deltas = deltasOf(totals, previousTotals);
  return {
    schema_version: 2,
    generated_at: '2026-11-27T10:00:00.000Z',
    query: {
      workspace_id: 'ws_test',
      since,
      until,
      platforms,
      target_currency: options.currency ?? 'EUR',
      timezone: 'Europe/Berlin',
      compare_previous: true,
      top_n: 10,
    },
    currency: { code: options.currency ?? 'EUR', minor_units: options.minorUnits ?? 2 },
    period: { since, until, days, timezone: 'Europe/Berlin' },
    totals,
    platforms: platformTotals.sort((a, b) => b.spend - a.spend),
    channel_mix: platformTotals.map((p) => ({
      platform: p.platform,
      spend: p.spend,
      share: p.spend_share,
    })),
    trend: Array.from({ length: days }, (_, d) => ({
      date: addDays(since, d),
      ...sum(rows.filter((r) => r.date === addDays(since, d))),
    })),
    platform_trend: platformTotals.map(({ platform }) => ({
      platform,
      points: rows
        .filter((r) => r.platform === platform)
        .map(({ platform: _platform, ...point }) => point),
    })),
    top_campaigns: options.zero
      ? []
      : names.slice(0, 10).map((name, i) => ({
          platform: platforms[i % platforms.length]!,
          campaign_id: `c${i}`,
          campaign_name: name,
          ...metricsOf(5000 - i * 300, 90_000, 1200, 40, 12_000),
        })),
    previous: {
      since: addDays(since, -days),
      until: addDays(since, -1),
      totals: previousTotals,
      deltas,
      // Each platform moved its own way: the first grew most, later ones less or shrank.
      platforms: platformTotals.map((p, i) => ({
        platform: p.platform,
        deltas: deltasOf(p, scaled(p, 0.8 + i * 0.1)),
      })),
    },
    fx: {
      source: 'test rates',
      notes: [
        {
          currency: 'EUR',
          identity: true,
          rate_min: 1,
          rate_max: 1,
          rate_avg: 1,
          days_converted: days,
          fallbacks: [],
        },
        {
          currency: 'USD',
          identity: false,
          rate_min: 0.91,
          rate_max: 0.93,
          rate_avg: 0.92,
          days_converted: days,
          // As the ECB publishes: nothing at weekends, so they use Friday's rate. Into another
          // currency than EUR, report-builder records each such day for both rates it needs.
          fallbacks: [
            ...weekendFallbacks('USD', since, days),
            ...((options.currency ?? 'EUR') === 'EUR'
              ? []
              : weekendFallbacks(options.currency!, since, days)),
          ].sort((a, b) => a.date.localeCompare(b.date)),
        },
      ],
    },
    timezone_note: 'Dates are calendar days in Europe/Berlin (UTC+02:00).',
    freshness: platforms.map((platform) => ({ platform, latest_ts: '2026-11-27T09:00:00Z' })),
    warnings: options.zero
      ? [
          {
            code: 'previous_period_without_data',
            message: 'There is no data for the previous period.',
          },
        ]
      : [],
    rows_scanned: options.noRows ? 0 : rows.length * 24,
  };
}

/** The header of a rows claim check: one row per campaign, spend and clicks, August 2026. */
export function campaignRowsHeader(generatedAt = '2026-12-06T10:00:00.000Z'): ExportRowsHeader {
  return {
    type: 'header',
    schema_version: EXPORT_ROWS_SCHEMA_VERSION,
    generated_at: generatedAt,
    query: {
      workspace_id: 'ws_acme',
      since: '2026-08-01',
      until: '2026-08-31',
      platforms: ['meta'],
      target_currency: 'EUR',
      timezone: 'UTC',
      compare_previous: false,
      top_n: 10,
    },
    layout: csvLayoutOf({ dimensions: ['campaign'], metrics: ['spend', 'clicks'] }),
    currency: { code: 'EUR', minor_units: 2 },
    period: { since: '2026-08-01', until: '2026-08-31', timezone: 'UTC' },
    fields: ['campaign_id', 'campaign_name', 'spend', 'clicks'],
  };
}

/** A RENDER_REPORT for ws_acme: a CSV of rows under a fresh job, unless `overrides` say more. */
export function renderMessage(overrides: Partial<RenderReportMessage> = {}): RenderReportMessage {
  const jobId = overrides.job_id ?? randomUUID();
  return {
    type: 'RENDER_REPORT',
    version: 1,
    job_id: jobId,
    workspace_id: 'ws_acme',
    format: 'CSV',
    dataset_key: claimCheckKey('ws_acme', jobId, 'a', 'ndjson.gz'),
    options: { csv_bom: false },
    workspace: { name: 'Acme Outdoor GmbH', branding: null },
    ...overrides,
  };
}

/**
 * Rows as report-builder writes them: each row's values in the order of the header's fields and,
 * where the lines number campaigns, each id and name pair named once before its first row (from
 * 0: call it once per claim check).
 */
export function lineValues(
  header: Pick<ExportRowsHeader, 'fields'>,
  rows: readonly Partial<Record<ClaimCheckField, unknown>>[],
): (RowValues | CampaignLine)[] {
  const lines: (RowValues | CampaignLine)[] = [];
  const numbered = header.fields.includes('campaign');
  const refs = new Map<string, number>();
  for (const row of rows) {
    let ref: number | undefined;
    if (numbered) {
      const [id, name] = [String(row.campaign_id), String(row.campaign_name)];
      const pair = JSON.stringify([id, name]);
      ref = refs.get(pair);
      if (ref === undefined) {
        refs.set(pair, (ref = refs.size));
        lines.push({ type: 'campaign', ref, id, name });
      }
    }
    lines.push(header.fields.map((field) => (field === 'campaign' ? ref : (row[field] ?? null))));
  }
  return lines;
}
