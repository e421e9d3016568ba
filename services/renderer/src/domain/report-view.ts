import {
  METRIC_NAMES,
  PLATFORM_LABELS,
  SPEC_METRICS,
  type Metrics,
  type ReportDataset,
  type WorkspaceCard,
} from '@wevion/shared';
import { donutSvg, PLATFORM_COLORS, trendSvg } from './charts.ts';
import { changeTone, formatters, longDate, METRIC_LABELS, type Formatters } from './format.ts';

/** The default theme for plans without custom branding. */
export const DEFAULT_THEME = { primary: '#4338CA', secondary: '#0EA5E9' };

const KPI_METRICS = SPEC_METRICS;

const DEFINITIONS: readonly [string, string][] = [
  ['Spend', 'Media cost in the report currency, converted at each day’s reference rate.'],
  ['CTR', 'Clicks ÷ impressions.'],
  ['CPC', 'Spend ÷ clicks.'],
  ['CPM', 'Spend ÷ impressions × 1,000.'],
  ['ROAS', 'Conversion value ÷ spend.'],
  ['CPA', 'Spend ÷ conversions.'],
  ['–', 'Shown where a ratio’s denominator is zero.'],
];

function metricCells(m: Metrics, f: Formatters) {
  return {
    spend: f.money(m.spend),
    impressions: f.integer(m.impressions),
    clicks: f.integer(m.clicks),
    ctr: f.percent(m.ctr),
    cpc: f.unitCost(m.cpc),
    cpm: f.unitCost(m.cpm),
    conversions: f.decimal(m.conversions),
    roas: f.roas(m.roas),
    cpa: f.unitCost(m.cpa),
  };
}

/** Softens a #RRGGBB colour towards white, for tinted backgrounds. */
function tint(hex: string, amount: number): string {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${rgb
    .map((c) =>
      Math.round(c + (255 - c) * amount)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
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
  const primary = workspace.branding?.primary_color ?? DEFAULT_THEME.primary;
  const secondary = workspace.branding?.secondary_color ?? DEFAULT_THEME.secondary;
  const { period, previous } = dataset;
  const periodLabel = `${longDate(period.since)} – ${longDate(period.until)}`;

  const kpis = KPI_METRICS.map((name) => {
    const delta = previous?.deltas[name];
    return {
      label: METRIC_LABELS[name],
      value:
        name === 'spend'
          ? f.compactMoney(dataset.totals[name])
          : f.metric(name, dataset.totals[name]),
      change: delta ? f.change(delta.change_ratio) : null,
      tone: delta ? changeTone(name, delta.change) : 'neutral',
      // The comparison in the value's own style: "€551K vs €514K", not "vs €514,426.64".
      previous: delta
        ? name === 'spend'
          ? f.compactMoney(delta.previous)
          : f.metric(name, delta.previous)
        : null,
    };
  });

  const platformRows = dataset.platforms.map((p) => ({
    label: PLATFORM_LABELS[p.platform],
    color: PLATFORM_COLORS[p.platform],
    share: f.share(p.spend_share),
    ...metricCells(p, f),
  }));

  const mix = dataset.channel_mix.filter((c) => c.spend > 0);
  const donut = donutSvg(
    mix.map((c) => ({ platform: c.platform, label: PLATFORM_LABELS[c.platform], value: c.spend })),
    f.compactMoney(dataset.totals.spend),
    'total spend',
  );

  const trend = trendSvg(dataset.trend, {
    barColor: tint(primary, 0.35),
    lineColor: secondary,
    formatMoney: (v) => f.compactMoney(v),
    formatCount: (v) => f.compact(v),
  });
  const bestDay = dataset.trend.reduce<(typeof dataset.trend)[number] | null>(
    (best, p) => (p.conversions > (best?.conversions ?? -1) ? p : best),
    null,
  );

  const comparison = previous && {
    label: `${longDate(previous.since)} – ${longDate(previous.until)}`,
    rows: METRIC_NAMES.map((name) => {
      const d = previous.deltas[name];
      return {
        label: METRIC_LABELS[name],
        current: f.metric(name, d.current),
        previous: f.metric(name, d.previous),
        change: f.difference(name, d.change),
        ratio: f.change(d.change_ratio),
        tone: changeTone(name, d.change),
      };
    }),
  };

  return {
    theme: {
      primary,
      secondary,
      primarySoft: tint(primary, 0.9),
      secondarySoft: tint(secondary, 0.85),
    },
    workspace: { name: workspace.name, logo: options.logoDataUrl },
    title: 'Cross-channel performance report',
    periodLabel,
    days: period.days,
    timezone: period.timezone,
    currency: dataset.currency.code,
    generated: new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: period.timezone,
    }).format(options.generatedAt),
    highlights: [
      { label: 'Spend', value: f.compactMoney(dataset.totals.spend) },
      { label: 'Conversions', value: f.compact(dataset.totals.conversions) },
      { label: 'ROAS', value: f.roas(dataset.totals.roas) },
      { label: 'CPA', value: f.unitCost(dataset.totals.cpa) },
    ],
    platformsLabel: dataset.query.platforms.map((p) => PLATFORM_LABELS[p]).join(' · '),
    kpis,
    comparedWith: previous ? `${longDate(previous.since)} – ${longDate(previous.until)}` : null,
    platformRows,
    platformTotal: metricCells(dataset.totals, f),
    donut,
    legend: mix.map((c) => ({
      label: PLATFORM_LABELS[c.platform],
      color: PLATFORM_COLORS[c.platform],
      share: f.share(c.share),
      spend: f.money(c.spend),
    })),
    trend,
    trendNote:
      bestDay && bestDay.conversions > 0
        ? `Most conversions on ${longDate(bestDay.date)}: ${f.decimal(bestDay.conversions)} at ${f.unitCost(bestDay.cpa)} each.`
        : null,
    topCampaigns: dataset.top_campaigns.map((c, i) => ({
      rank: i + 1,
      name: c.campaign_name,
      platform: PLATFORM_LABELS[c.platform],
      color: PLATFORM_COLORS[c.platform],
      ...metricCells(c, f),
    })),
    comparison,
    appendix: {
      filters: [
        ['Workspace', workspace.name],
        ['Platforms', dataset.query.platforms.map((p) => PLATFORM_LABELS[p]).join(', ')],
        ['Date range', `${period.since} to ${period.until} inclusive (${period.days} days)`],
        ['Time zone', period.timezone],
        ['Currency', dataset.currency.code],
        ['Compared with', previous ? `${previous.since} to ${previous.until}` : 'no comparison'],
      ],
      timezoneNote: dataset.timezone_note,
      fxSource: dataset.fx.source,
      currencyNotes: dataset.fx.notes.map((n) => ({
        currency: n.currency,
        text: n.identity
          ? `No conversion (report currency), ${n.days_converted} days.`
          : `1 ${n.currency} = ${n.rate_min.toFixed(4)} to ${n.rate_max.toFixed(4)} ${dataset.currency.code} (average ${n.rate_avg.toFixed(4)}) over ${n.days_converted} days.`,
        fallbacks: n.fallbacks.length
          ? `${n.fallbacks.length} ${n.fallbacks.length === 1 ? 'day' : 'days'} had no published rate and used the latest earlier one (date ← rate of): ${n.fallbacks.map((fb) => `${fb.date} ← ${fb.currency === n.currency ? '' : `${fb.currency} `}${fb.rate_date}`).join(', ')}.`
          : null,
      })),
      freshness: dataset.freshness.map((p) => ({
        platform: PLATFORM_LABELS[p.platform],
        latest: p.latest_ts ? `${p.latest_ts.slice(0, 16).replace('T', ' ')} UTC` : 'no data',
      })),
      warnings: dataset.warnings.map((w) => w.message),
      definitions: DEFINITIONS.map(([term, meaning]) => ({ term, meaning })),
      rowsScanned: f.integer(dataset.rows_scanned),
    },
    footer: `${periodLabel} · ${period.timezone} · ${dataset.currency.code}`,
  };
}

export type ReportView = ReturnType<typeof buildReportView>;
