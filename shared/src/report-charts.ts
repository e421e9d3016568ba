import type { Platform } from './platforms.ts';
import type { TrendPoint } from './report-dataset.ts';
import { scaleBand, scaleLinear } from 'd3-scale';
import { arc, line, pie, type PieArcDatum } from 'd3-shape';
import { escapeHtml, shortDate } from './report-format.ts';

/** Server-side SVG charts: d3 computes the geometry, these functions only write markup. */

/** One colour per platform across every chart and table of a report. */
export const PLATFORM_COLORS: Readonly<Record<Platform, string>> = {
  meta: '#2563EB',
  google: '#16A34A',
  tiktok: '#DB2777',
  linkedin: '#0E7490',
  snapchat: '#EAB308',
  pinterest: '#DC2626',
  x: '#334155',
  microsoft: '#7C3AED',
  amazon: '#EA580C',
  reddit: '#F97316',
};

/**
 * The look of a workspace without custom branding: neutral slate, so a client sees no one's
 * colours but their own agency's.
 */
const DEFAULT_THEME = { primary: '#334155', secondary: '#0F766E' };

/** Softens a #RRGGBB colour towards white, for tinted backgrounds and bars. */
export function tint(hex: string, amount: number): string {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${rgb
    .map((c) =>
      Math.round(c + (255 - c) * amount)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** A workspace's chart colours: its brand, or the neutral default. */
export function chartTheme(
  branding: { primary_color: string | null; secondary_color: string | null } | null | undefined,
) {
  const primary = branding?.primary_color ?? DEFAULT_THEME.primary;
  const secondary = branding?.secondary_color ?? DEFAULT_THEME.secondary;
  return { primary, secondary, bar: tint(primary, 0.35) };
}

export interface DonutSlice {
  platform: Platform;
  label: string;
  value: number;
}

/** Channel-mix donut: slices by spend, the total in the hole. */
export function donutSvg(
  slices: readonly DonutSlice[],
  centerTop: string,
  centerBottom: string,
  size = 220,
): string {
  const radius = size / 2;
  const data = slices.filter((s) => s.value > 0);
  const arcs = pie<DonutSlice>()
    .value((s) => s.value)
    .sort(null)
    .padAngle(data.length > 1 ? 0.012 : 0)(data);
  const path = arc<PieArcDatum<DonutSlice>>()
    .innerRadius(radius * 0.62)
    .outerRadius(radius - 2)
    .cornerRadius(2);
  const paths = arcs
    .map(
      (a) =>
        `<path d="${path(a)}" fill="${PLATFORM_COLORS[a.data.platform]}"><title>${escapeHtml(a.data.label)}</title></path>`,
    )
    .join('');
  const empty =
    data.length === 0
      ? `<circle r="${radius * 0.81}" fill="none" stroke="#E2E8F0" stroke-width="${radius * 0.36}"/>`
      : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${-radius} ${-radius} ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="Channel mix by spend">` +
    `${empty}${paths}` +
    `<text y="-4" text-anchor="middle" class="donut-total">${escapeHtml(centerTop)}</text>` +
    `<text y="16" text-anchor="middle" class="donut-caption">${escapeHtml(centerBottom)}</text></svg>`
  );
}

export interface TrendOptions {
  width?: number;
  height?: number;
  barColor: string;
  lineColor: string;
  formatMoney: (v: number) => string;
  formatCount: (v: number) => string;
}

/** Daily spend (bars, left axis) and conversions (line, right axis). */
export function trendSvg(points: readonly TrendPoint[], options: TrendOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  const margin = { top: 14, right: 54, bottom: 28, left: 64 };
  const x = scaleBand<string>()
    .domain(points.map((p) => p.date))
    .range([margin.left, width - margin.right])
    .paddingInner(points.length > 45 ? 0.15 : 0.25);
  const maxSpend = Math.max(0, ...points.map((p) => p.spend));
  const maxConversions = Math.max(0, ...points.map((p) => p.conversions));
  const ySpend = scaleLinear()
    .domain([0, maxSpend || 1])
    .nice(4)
    .range([height - margin.bottom, margin.top]);
  const yConv = scaleLinear()
    .domain([0, maxConversions || 1])
    .nice(4)
    .range([height - margin.bottom, margin.top]);

  const grid = ySpend
    .ticks(4)
    .map(
      (t) =>
        `<line x1="${margin.left}" x2="${width - margin.right}" y1="${ySpend(t)}" y2="${ySpend(t)}" class="grid"/>` +
        `<text x="${margin.left - 8}" y="${ySpend(t) + 3.5}" text-anchor="end" class="axis">${escapeHtml(options.formatMoney(t))}</text>`,
    )
    .join('');
  const rightAxis = yConv
    .ticks(4)
    .map(
      (t) =>
        `<text x="${width - margin.right + 8}" y="${yConv(t) + 3.5}" class="axis axis-right">${escapeHtml(options.formatCount(t))}</text>`,
    )
    .join('');
  const bars = points
    .map(
      (p) =>
        `<rect x="${x(p.date)}" y="${ySpend(p.spend)}" width="${x.bandwidth()}" height="${Math.max(0, ySpend(0) - ySpend(p.spend))}" fill="${options.barColor}" rx="1"/>`,
    )
    .join('');
  const conversionsLine = line<TrendPoint>()
    .x((p) => x(p.date)! + x.bandwidth() / 2)
    .y((p) => yConv(p.conversions))(points as TrendPoint[]);
  // As many date labels as fit: about one per 64 px of plot.
  const fit = Math.max(2, Math.floor((width - margin.left - margin.right) / 64));
  const every = Math.max(1, Math.ceil(points.length / fit));
  const labels = points
    .filter((_, i) => i % every === 0)
    .map(
      (p) =>
        `<text x="${x(p.date)! + x.bandwidth() / 2}" y="${height - margin.bottom + 16}" text-anchor="middle" class="axis">${escapeHtml(shortDate(p.date))}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Daily spend and conversions">` +
    `${grid}${bars}` +
    (conversionsLine
      ? `<path d="${conversionsLine}" fill="none" stroke="${options.lineColor}" stroke-width="2" stroke-linejoin="round"/>`
      : '') +
    `${rightAxis}${labels}` +
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${ySpend(0)}" y2="${ySpend(0)}" class="baseline"/></svg>`
  );
}

export interface SparkOptions {
  color: string;
  formatMoney: (v: number) => string;
  width?: number;
  height?: number;
}

/**
 * One platform's daily spend as small bars, for small multiples: its own scale (the movement is
 * the point, not the size; the size is in the figures beside it), the peak labelled.
 */
export function sparkBarsSvg(points: readonly TrendPoint[], options: SparkOptions): string {
  const width = options.width ?? 320;
  const height = options.height ?? 64;
  const margin = { top: 12, right: 2, bottom: 12, left: 2 };
  const x = scaleBand<string>()
    .domain(points.map((p) => p.date))
    .range([margin.left, width - margin.right])
    .paddingInner(points.length > 45 ? 0.1 : 0.2);
  const peak = points.reduce<TrendPoint | null>(
    (m, p) => (p.spend > (m?.spend ?? 0) ? p : m),
    null,
  );
  const y = scaleLinear()
    .domain([0, peak?.spend || 1])
    .range([height - margin.bottom, margin.top]);
  const bars = points
    .map(
      (p) =>
        `<rect x="${x(p.date)}" y="${y(p.spend)}" width="${x.bandwidth()}" height="${Math.max(0, y(0) - y(p.spend))}" fill="${options.color}"/>`,
    )
    .join('');
  const first = points[0];
  const last = points.at(-1);
  const labels =
    first && last
      ? `<text x="${margin.left}" y="${height - 1}" class="axis">${escapeHtml(shortDate(first.date))}</text>` +
        `<text x="${width - margin.right}" y="${height - 1}" text-anchor="end" class="axis">${escapeHtml(shortDate(last.date))}</text>`
      : '';
  const peakLabel = peak
    ? `<text x="${Math.min(Math.max(x(peak.date)! + x.bandwidth() / 2, 30), width - 30)}" y="${y(peak.spend) - 3}" text-anchor="middle" class="axis">${escapeHtml(options.formatMoney(peak.spend))}</text>`
    : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Daily spend">` +
    `${bars}<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" class="baseline"/>${peakLabel}${labels}</svg>`
  );
}
