import { addDays, type CalendarDate } from './calendar-date.ts';
import type { MetricName } from './report-dataset.ts';

/**
 * The number, date and chart style of every report surface: the PDF (renderer), the /analytics
 * page (export-api's browser bundle) and the CLI print through this one module, so a figure on
 * screen reads exactly as it will in the file. Pure and dependency-free for the browser.
 */

/** Whether a rise in a metric is good news, bad news (costs) or neither (spend). */
export const METRIC_POLARITY: Readonly<Record<MetricName, 'up' | 'down' | 'neutral'>> = {
  spend: 'neutral',
  impressions: 'up',
  clicks: 'up',
  ctr: 'up',
  cpc: 'down',
  cpm: 'down',
  conversions: 'up',
  conversion_value: 'up',
  roas: 'up',
  cpa: 'down',
};

export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  spend: 'Spend',
  impressions: 'Impressions',
  clicks: 'Clicks',
  ctr: 'CTR',
  cpc: 'CPC',
  cpm: 'CPM',
  conversions: 'Conversions',
  conversion_value: 'Conversion value',
  roas: 'ROAS',
  cpa: 'CPA',
};

const DASH = '–';

/** Intl formatters for one report's currency; every number in the PDF goes through these. */
export function formatters(currency: string, locale = 'en-GB') {
  const money = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
  });
  const unitCost = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    // Unit costs keep two decimals even in yen: ¥118.59 per click says more than ¥119.
    minimumFractionDigits: Math.max(2, money.resolvedOptions().maximumFractionDigits!),
    maximumFractionDigits: Math.max(2, money.resolvedOptions().maximumFractionDigits!),
  });
  const compactMoney = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumSignificantDigits: 3,
  });
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  // One style per metric, everywhere in the report: fixed decimals, so a column lines up and
  // "3×" never sits beside "2.73×".
  const twoDecimals = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const oneDecimal = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const compact = new Intl.NumberFormat(locale, {
    notation: 'compact',
    maximumSignificantDigits: 3,
  });
  const percent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const change = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  // A change that rounds to nothing shows no sign: "0.0 pp", not "−0.0 pp".
  // ICU versions disagree on "k" or "K" for thousands; every surface prints "K", like "M".
  const thousands = (text: string) => text.replace(/k$/, 'K');
  const signed = (x: number, text: string) =>
    `${/[1-9]/.test(text) ? (x > 0 ? '+' : x < 0 ? '−' : '') : ''}${text}`;
  const orDash = <T>(value: T | null, format: (v: T) => string) =>
    value === null ? DASH : format(value);
  return {
    money: (v: number | null) => orDash(v, (x) => money.format(x)),
    unitCost: (v: number | null) => orDash(v, (x) => unitCost.format(x)),
    compactMoney: (v: number | null) => orDash(v, (x) => thousands(compactMoney.format(x))),
    integer: (v: number | null) => orDash(v, (x) => integer.format(x)),
    decimal: (v: number | null) => orDash(v, (x) => decimal.format(x)),
    compact: (v: number | null) => orDash(v, (x) => thousands(compact.format(x))),
    /** Rates (CTR): one decimal. */
    percent: (v: number | null) => orDash(v, (x) => percent.format(x)),
    /** Shares of a total: one decimal, like rates. */
    share: (v: number | null) => orDash(v, (x) => percent.format(x)),
    /** A relative change: one decimal, signed with a true minus. */
    change: (v: number | null) => orDash(v, (x) => change.format(x).replace('-', '−')),
    /** The difference of two rates is in percentage points, not percent. */
    points: (v: number | null) =>
      orDash(v, (x) => signed(x, `${oneDecimal.format(Math.abs(x) * 100)} pp`)),
    roas: (v: number | null) => orDash(v, (x) => `${twoDecimals.format(x)}×`),
    /** A signed absolute change, in the metric's own style (points for rates). */
    difference(name: MetricName, v: number | null): string {
      if (v === null) return DASH;
      return name === 'ctr' ? this.points(v) : signed(v, this.metric(name, Math.abs(v)));
    },
    /** Formats a metric the way its column shows it. */
    metric(name: MetricName, v: number | null): string {
      switch (name) {
        case 'spend':
        case 'conversion_value':
          return this.money(v);
        case 'cpc':
        case 'cpm':
        case 'cpa':
          return this.unitCost(v);
        case 'ctr':
          return this.percent(v);
        case 'roas':
          return this.roas(v);
        case 'conversions':
          return this.decimal(v);
        default:
          return this.integer(v);
      }
    },
  };
}

export type Formatters = ReturnType<typeof formatters>;

/** A count outside a report's metrics (rows of a file), in the same style. */
export function count(n: number, locale = 'en-GB'): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A file's size for people: "12 KB", "1.4 MB". */
export function fileSize(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "1 Aug 2026" from a calendar date, without time-zone drift. */
export function longDate(date: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** "2 Dec 2026, 01:09" for an instant, in the report's time zone: the long date plus the time. */
export function dateTime(instant: Date | string, timeZone: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(new Date(instant));
}

/**
 * Messages from the engine name dates the API's way (2026-08-01, 2026-11-27T09:00:00Z); a
 * document prints them in its own style, instants in the report's time zone.
 */
export function humanizeDates(text: string, timeZone: string, locale = 'en-GB'): string {
  return text
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b/g, (iso) =>
      dateTime(iso, timeZone, locale),
    )
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, (date) => longDate(date, locale));
}

/** "1 Aug 2026 – 30 Aug 2026": both ends in the long style. */
export function dateRange(since: string, until: string, locale = 'en-GB'): string {
  return since === until
    ? longDate(since, locale)
    : `${longDate(since, locale)} – ${longDate(until, locale)}`;
}

/** Dates collapsed into runs of consecutive days, in order. */
function dateRuns(dates: readonly CalendarDate[]): { from: CalendarDate; to: CalendarDate }[] {
  const runs: { from: CalendarDate; to: CalendarDate }[] = [];
  for (const date of [...new Set(dates)].sort()) {
    const last = runs.at(-1);
    if (last && addDays(last.to, 1) === date) last.to = date;
    else runs.push({ from: date, to: date });
  }
  return runs;
}

const weekday = (date: CalendarDate) => new Date(`${date}T00:00:00Z`).getUTCDay();

/**
 * A readable list of days, for people: whole weekends are counted, not listed ("8 weekends (Sat–Sun)"),
 * and the other days collapse into runs ("15 Aug 2026, 24–26 Dec 2026").
 */
export function describeDays(dates: readonly CalendarDate[], locale = 'en-GB'): string {
  const runs = dateRuns(dates);
  const isWeekend = (r: { from: CalendarDate; to: CalendarDate }) =>
    weekday(r.from) === 6 && addDays(r.from, 1) === r.to;
  const weekends = runs.filter(isWeekend).length;
  const others = runs
    .filter((r) => weekends < 2 || !isWeekend(r))
    .map((r) => (r.from === r.to ? longDate(r.from, locale) : dayRun(r.from, r.to, locale)));
  return [weekends >= 2 ? `${weekends} weekends (Sat–Sun)` : '', ...others]
    .filter(Boolean)
    .join(', ');
}

/** "1–2 Aug 2026", "31 Jul – 2 Aug 2026": a run of days with the shared parts said once. */
function dayRun(from: CalendarDate, to: CalendarDate, locale: string): string {
  const sameMonth = from.slice(0, 7) === to.slice(0, 7);
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  if (sameMonth) return `${Number(from.slice(8))}–${longDate(to, locale)}`;
  return sameYear
    ? `${shortDate(from, locale)} – ${longDate(to, locale)}`
    : `${longDate(from, locale)} – ${longDate(to, locale)}`;
}

export function shortDate(date: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** Tone of a change: good (green), bad (red) or neutral, by the metric's polarity. */
export function changeTone(name: MetricName, change: number | null): 'good' | 'bad' | 'neutral' {
  const polarity = METRIC_POLARITY[name];
  if (change === null || change === 0 || polarity === 'neutral') return 'neutral';
  return change > 0 === (polarity === 'up') ? 'good' : 'bad';
}

/** Text for HTML or SVG markup written by hand (charts, the page footer). */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
