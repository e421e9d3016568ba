import {
  DEMO_FX_SOURCE,
  METRIC_NAMES,
  PLATFORM_LABELS,
  SPEC_METRICS,
  type MetricDelta,
  type MetricName,
  type Metrics,
  type ReportDataset,
  type WorkspaceCard,
} from '@wevion/shared';
import {
  chartTheme,
  donutSvg,
  PLATFORM_COLORS,
  sparkBarsSvg,
  tint,
  trendSvg,
} from '@wevion/shared/report-charts.ts';
import {
  dateRange,
  dateTime,
  describeDays,
  formatters,
  humanizeDates,
  longDate,
  METRIC_LABELS,
  noDataMessage,
  type Formatters,
} from '@wevion/shared/report-format.ts';

/** Every metric the report prints, said plainly, in the order the tables show them. */
const DEFINITIONS: readonly [string, string][] = [
  ['Spend', 'What the ads cost, in the report currency, converted at each day’s exchange rate.'],
  ['Impressions', 'How many times the ads were shown.'],
  ['Clicks', 'How many times people clicked an ad.'],
  [
    'CTR',
    'Click-through rate: the share of impressions that led to a click (clicks ÷ impressions).',
  ],
  ['CPC', 'Cost per click: spend ÷ clicks.'],
  ['CPM', 'Cost of a thousand impressions: spend ÷ impressions × 1,000.'],
  [
    'Conversions',
    'Purchases, sign-ups and other results the platforms credit to the ads. Platforms model some of them, so they can be fractional; this report rounds them to whole numbers.',
  ],
  ['Conversion value', 'What those conversions were worth, as the platforms report it.'],
  ['ROAS', 'Return on ad spend: conversion value ÷ spend; 3.00× is 3 of value for each 1 spent.'],
  ['CPA', 'Cost per acquisition: spend ÷ conversions.'],
  ['–', 'A figure that cannot be computed, because what it divides by is zero.'],
];

/** The figures of a platform's line in the small multiples, with its change where known. */
const PLATFORM_FACTS: readonly MetricName[] = ['spend', 'conversions', 'roas', 'cpa'];

function metricCells(m: Metrics, f: Formatters) {
  return {
    spend: f.money(m.spend),
    impressions: f.integer(m.impressions),
    clicks: f.integer(m.clicks),
    ctr: f.percent(m.ctr),
    cpc: f.unitCost(m.cpc),
    cpm: f.unitCost(m.cpm),
    conversions: f.conversions(m.conversions),
    roas: f.roas(m.roas),
    cpa: f.unitCost(m.cpa),
  };
}

/** A value and its change against the previous period, printed so the two never disagree. */
function compared(
  name: MetricName,
  current: number | null,
  delta: MetricDelta | undefined,
  f: Formatters,
  style?: (v: number | null, extra: number) => string,
) {
  if (!delta) return { value: (style ?? ((v) => f.metric(name, v)))(current, 0), change: null };
  const pair = f.comparison(name, delta, style);
  return {
    value: pair.current,
    previous: pair.previous,
    change: delta.change_ratio === null ? null : { text: pair.ratio, tone: pair.tone },
    difference: pair.difference,
  };
}

/**
 * Everything the PDF templates print, already formatted: templates only lay it out. Pure: the
 * logo arrives as a data URL and the clock as `generatedAt`.
 */
export function buildReportView(
  dataset: ReportDataset,
  workspace: WorkspaceCard,
  options: { logoDataUrl: string | null; generatedAt: Date },
) {
  const f = formatters(dataset.currency.code);
  const { primary, secondary, bar } = chartTheme(workspace.branding);
  const { period, previous } = dataset;
  const zone = period.timezone;
  const periodLabel = dateRange(period.since, period.until);
  const comparedWith = previous ? dateRange(previous.since, previous.until) : null;
  // A report of one platform is that platform's report, not a "cross-channel" one.
  const only = dataset.query.platforms.length === 1 ? dataset.query.platforms[0]! : null;
  const title = only
    ? `${PLATFORM_LABELS[only]} performance report`
    : 'Cross-channel performance report';

  const kpis = SPEC_METRICS.map((name) => {
    // The comparison in the value's own style: "€551K vs €514K", not "vs €514,426.64".
    const style = (v: number | null, extra: number) =>
      name === 'spend' ? f.compactMoney(v) : f.metric(name, v, extra);
    const shown = compared(name, dataset.totals[name], previous?.deltas[name], f, style);
    return {
      label: METRIC_LABELS[name],
      value: shown.value,
      change: shown.change?.text ?? null,
      tone: shown.change?.tone ?? 'neutral',
      previous: shown.previous ?? null,
    };
  });

  const mix = dataset.channel_mix.filter((c) => c.spend > 0);
  // Small multiples compare platforms: one platform has its daily trend already.
  const platformTrends = (only ? [] : (dataset.platform_trend ?? [])).map(
    ({ platform, points }) => {
      const row = dataset.platforms.find((p) => p.platform === platform)!;
      const deltas = previous?.platforms?.find((p) => p.platform === platform)?.deltas;
      return {
        label: PLATFORM_LABELS[platform],
        color: PLATFORM_COLORS[platform],
        share: f.share(row.spend_share),
        facts: PLATFORM_FACTS.map((name) => {
          const shown = compared(name, row[name], deltas?.[name], f);
          return {
            label: METRIC_LABELS[name],
            value: shown.value,
            change: shown.change?.text ?? null,
            tone: shown.change?.tone ?? 'neutral',
          };
        }),
        chart:
          row.spend > 0
            ? sparkBarsSvg(points, {
                color: PLATFORM_COLORS[platform],
                formatMoney: (v) => f.compactMoney(v),
              })
            : null,
      };
    },
  );

  const bestDay = dataset.trend.reduce<(typeof dataset.trend)[number] | null>(
    (best, p) => (p.conversions > (best?.conversions ?? -1) ? p : best),
    null,
  );

  return {
    /**
     * The range holds no row for any chosen platform: the report is one page that says so,
     * instead of pages of zeros.
     */
    noData:
      dataset.rows_scanned === 0 ? noDataMessage(dataset.query.platforms, dataset.period) : null,
    theme: {
      primary,
      secondary,
      primarySoft: tint(primary, 0.9),
      secondarySoft: tint(secondary, 0.85),
    },
    workspace: { name: workspace.name, logo: options.logoDataUrl },
    title,
    periodLabel,
    days: period.days,
    timezone: zone,
    currency: dataset.currency.code,
    comparedWith,
    generated: dateTime(options.generatedAt, zone),
    platformsLabel: dataset.query.platforms.map((p) => PLATFORM_LABELS[p]).join(' · '),
    kpis,
    platformRows: dataset.platforms.map((p) => ({
      label: PLATFORM_LABELS[p.platform],
      color: PLATFORM_COLORS[p.platform],
      share: f.share(p.spend_share),
      ...metricCells(p, f),
    })),
    platformTotal: metricCells(dataset.totals, f),
    donut: donutSvg(
      mix.map((c) => ({
        platform: c.platform,
        label: PLATFORM_LABELS[c.platform],
        value: c.spend,
      })),
      f.compactMoney(dataset.totals.spend),
      'total spend',
    ),
    legend: mix.map((c) => ({
      label: PLATFORM_LABELS[c.platform],
      color: PLATFORM_COLORS[c.platform],
      share: f.share(c.share),
      spend: f.money(c.spend),
    })),
    trend: trendSvg(dataset.trend, {
      barColor: bar,
      lineColor: secondary,
      formatMoney: (v) => f.compactMoney(v),
      formatCount: (v) => f.compact(v),
    }),
    trendNote:
      bestDay && bestDay.conversions > 0
        ? `Most conversions on ${longDate(bestDay.date)}: ${f.conversions(bestDay.conversions)} at ${f.unitCost(bestDay.cpa)} each.`
        : null,
    platformTrends,
    topCampaigns: dataset.top_campaigns.map((c, i) => ({
      rank: i + 1,
      name: c.campaign_name,
      platform: PLATFORM_LABELS[c.platform],
      color: PLATFORM_COLORS[c.platform],
      ...metricCells(c, f),
    })),
    comparison: previous && {
      label: comparedWith!,
      rows: METRIC_NAMES.map((name) => {
        const d = previous.deltas[name];
        const pair = f.comparison(name, d);
        return {
          label: METRIC_LABELS[name],
          current: pair.current,
          previous: pair.previous,
          change: pair.difference,
          ratio: pair.ratio,
          tone: pair.tone,
        };
      }),
    },
    appendix: appendixOf(dataset, workspace),
    header: { name: workspace.name, logo: options.logoDataUrl, title, periodLabel },
    footer: `${periodLabel} · ${zone} · ${dataset.currency.code}`,
  };
}

/**
 * "10 days: 5 weekends (Sat–Sun)". Days, not records: into a currency other than EUR a day
 * without rates is recorded once per rate it needed (source and target).
 */
function fallbackDays(dates: readonly string[]): string {
  const days = [...new Set(dates)];
  if (!days.length) return 'none';
  return `${days.length} ${days.length === 1 ? 'day' : 'days'}: ${describeDays(days)}`;
}

/** The appendix, for a person: what was asked, how money converted, how fresh the data is. */
function appendixOf(dataset: ReportDataset, workspace: WorkspaceCard) {
  const { period, previous } = dataset;
  const target = dataset.currency.code;
  const rate = (v: number) => v.toFixed(4);
  return {
    filters: [
      ['Workspace', workspace.name],
      ['Platforms', dataset.query.platforms.map((p) => PLATFORM_LABELS[p]).join(', ')],
      ['Date range', `${dateRange(period.since, period.until)} (${period.days} days)`],
      ['Time zone', period.timezone],
      ['Currency', target],
      ['Compared with', previous ? dateRange(previous.since, previous.until) : 'no comparison'],
    ],
    timezoneNote: humanizeDates(dataset.timezone_note, period.timezone),
    fxSource: dataset.fx.source,
    demoRates: dataset.fx.source === DEMO_FX_SOURCE,
    currencies: dataset.fx.notes.map((n) => ({
      currency: n.currency,
      identity: n.identity,
      range: n.identity ? 'no conversion' : `${rate(n.rate_min)} – ${rate(n.rate_max)}`,
      average: n.identity ? '' : rate(n.rate_avg),
      days: n.days_converted,
      fallbacks: fallbackDays(n.fallbacks.map((fb) => fb.date)),
    })),
    target,
    freshness: dataset.freshness.map((p) => ({
      platform: PLATFORM_LABELS[p.platform],
      // The newest row is an hour that starts at latest_ts: the data runs to its end.
      through: p.latest_ts
        ? dateTime(new Date(Date.parse(p.latest_ts) + 3_600_000), period.timezone)
        : 'no data',
    })),
    warnings: dataset.warnings.map((w) => humanizeDates(w.message, period.timezone)),
    definitions: DEFINITIONS.map(([term, meaning]) => ({ term, meaning })),
  };
}

export type ReportView = ReturnType<typeof buildReportView>;
