import type { Dimension, Granularity, Recurrence, ScheduleRange, Weekday } from './api-contract.ts';
import { addDays, type CalendarDate } from './calendar-date.ts';
import { PLATFORM_LABELS, type Platform } from './platforms.ts';
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

/** How the CSV dialog names the layout's choices. */
export const DIMENSION_LABELS: Readonly<Record<Dimension, string>> = {
  date: 'Date',
  platform: 'Platform',
  account: 'Ad account',
  campaign: 'Campaign',
};

/** A schedule's range as the page and the CLI say it. */
export const SCHEDULE_RANGE_LABELS: Readonly<Record<ScheduleRange, string>> = {
  last_7_days: 'Last 7 days',
  last_14_days: 'Last 14 days',
  last_30_days: 'Last 30 days',
  last_90_days: 'Last 90 days',
  previous_week: 'Previous week (Monday to Sunday)',
  previous_month: 'Previous month',
  previous_quarter: 'Previous quarter (its last 90 days)',
  month_to_date: 'Month to date',
};

export const WEEKDAY_LABELS: Readonly<Record<Weekday, string>> = {
  MON: 'Mon',
  TUE: 'Tue',
  WED: 'Wed',
  THU: 'Thu',
  FRI: 'Fri',
  SAT: 'Sat',
  SUN: 'Sun',
};

/** "Weekly on Mon, Thu at 09:00", "Monthly on the last day at 07:30". */
export function describeRecurrence(recurrence: Recurrence): string {
  switch (recurrence.frequency) {
    case 'daily':
      return `Daily at ${recurrence.time}`;
    case 'weekly':
      return `Weekly on ${recurrence.days.map((d) => WEEKDAY_LABELS[d]).join(', ')} at ${recurrence.time}`;
    case 'monthly':
      return `Monthly on ${recurrence.day === 'last' ? 'the last day' : `day ${recurrence.day}`} at ${recurrence.time}`;
  }
}

export const GRANULARITY_LABELS: Readonly<Record<Granularity, string>> = {
  day: 'Day',
  week: 'Week (ISO, from Monday)',
  month: 'Month',
  total: 'Whole period',
};

const DASH = '–';

/** Metrics printed with a fraction whose precision may grow by a digit to tell two values apart. */
const REFINABLE: ReadonlySet<MetricName> = new Set(['ctr', 'cpc', 'cpm', 'cpa', 'roas']);

/**
 * ICU versions disagree on compact suffixes ("k" or "K", "m" or "M"; Node's en-GB prints "m",
 * Chromium's "M"): every surface prints K, M and B.
 */
const COMPACT_SUFFIX: Readonly<Record<string, string>> = { k: 'K', m: 'M', bn: 'B', b: 'B' };
const upperSuffix = (text: string) =>
  text.replace(/(\d)\s?(k|m|bn|b)$/i, (_, digit: string, suffix: string) => {
    return `${digit}${COMPACT_SUFFIX[suffix.toLowerCase()] ?? suffix}`;
  });

/**
 * Intl formatters for one report's currency; every number on every surface goes through these.
 * The written rules (docs/api.md, "Numbers in reports"):
 * - money in the currency's minor units (EUR 2 decimals, JPY none); compact figures end in K, M, B;
 * - unit costs (CPC, CPM, CPA) in minor units too, and CTR with two decimals, ROAS with two;
 * - conversions are modelled and can be fractional: reports print them as whole numbers
 *   everywhere (headlines, tables, changes), files keep two decimals;
 * - a comparison prints both values with the same precision; where they would print alike but
 *   differ, rates and unit costs gain one digit; where they still print alike, the change is 0.
 */
export function formatters(currency: string, locale = 'en-GB') {
  const money = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
  });
  const minorUnits = money.resolvedOptions().maximumFractionDigits!;
  const cache = new Map<string, Intl.NumberFormat>();
  const cached = (key: string, options: Intl.NumberFormatOptions) => {
    let format = cache.get(key);
    if (!format) cache.set(key, (format = new Intl.NumberFormat(locale, options)));
    return format;
  };
  const unitCost = (digits: number) =>
    cached(`unit${digits}`, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  const fixed = (digits: number) =>
    cached(`fixed${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const percentOf = (digits: number) =>
    cached(`percent${digits}`, {
      style: 'percent',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  const compactMoney = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumSignificantDigits: 3,
  });
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const compact = new Intl.NumberFormat(locale, {
    notation: 'compact',
    maximumSignificantDigits: 3,
  });
  const change = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  // A change that rounds to nothing shows no sign: "0.0 pp", not "−0.0 pp".
  const signed = (x: number, text: string) =>
    `${/[1-9]/.test(text) ? (x > 0 ? '+' : x < 0 ? '−' : '') : ''}${text}`;
  const orDash = <T>(value: T | null, format: (v: T) => string) =>
    value === null ? DASH : format(value);
  const CTR_DIGITS = 2;
  const ROAS_DIGITS = 2;
  return {
    money: (v: number | null) => orDash(v, (x) => money.format(x)),
    /** CPC, CPM, CPA: the currency's minor units (`extra` digits more to tell two apart). */
    unitCost: (v: number | null, extra = 0) =>
      orDash(v, (x) => unitCost(minorUnits + extra).format(x)),
    compactMoney: (v: number | null) => orDash(v, (x) => upperSuffix(compactMoney.format(x))),
    integer: (v: number | null) => orDash(v, (x) => integer.format(x)),
    /** Conversions: whole numbers on every surface (they are modelled, so often fractional). */
    conversions: (v: number | null) => orDash(v, (x) => integer.format(x)),
    compact: (v: number | null) => orDash(v, (x) => upperSuffix(compact.format(x))),
    /** Rates (CTR): two decimals. */
    percent: (v: number | null, extra = 0) =>
      orDash(v, (x) => percentOf(CTR_DIGITS + extra).format(x)),
    /** Shares of a total: one decimal. */
    share: (v: number | null) => orDash(v, (x) => percentOf(1).format(x)),
    /** A relative change: one decimal, signed with a true minus. */
    change: (v: number | null) => orDash(v, (x) => change.format(x).replace('-', '−')),
    /** The difference of two rates is in percentage points, not percent, as precise as CTR. */
    points: (v: number | null, extra = 0) =>
      orDash(v, (x) => signed(x, `${fixed(CTR_DIGITS + extra).format(Math.abs(x) * 100)} pp`)),
    roas: (v: number | null, extra = 0) =>
      orDash(v, (x) => `${fixed(ROAS_DIGITS + extra).format(x)}×`),
    /** A signed absolute change, in the metric's own style (points for rates). */
    difference(name: MetricName, v: number | null, extra = 0): string {
      if (v === null) return DASH;
      return name === 'ctr'
        ? this.points(v, extra)
        : signed(v, this.metric(name, Math.abs(v), extra));
    },
    /** Formats a metric the way its column shows it. */
    metric(name: MetricName, v: number | null, extra = 0): string {
      switch (name) {
        case 'spend':
        case 'conversion_value':
          return this.money(v);
        case 'cpc':
        case 'cpm':
        case 'cpa':
          return this.unitCost(v, extra);
        case 'ctr':
          return this.percent(v, extra);
        case 'roas':
          return this.roas(v, extra);
        case 'conversions':
          return this.conversions(v);
        default:
          return this.integer(v);
      }
    },
    /**
     * A value beside its previous one, both in one precision, with the change between them.
     * Where the two would print alike but differ, rates and unit costs gain a digit; where they
     * still print alike, the change prints as zero: a reader never sees "1.4% vs 1.4%, −1.5%".
     * `style` prints a value (a KPI card's spend is compact); it gets the extra digits.
     */
    comparison(
      name: MetricName,
      delta: {
        current: number | null;
        previous: number | null;
        change: number | null;
        change_ratio: number | null;
      },
      style: (v: number | null, extra: number) => string = (v, extra) =>
        this.metric(name, v, extra),
    ) {
      const refine =
        delta.current !== delta.previous &&
        REFINABLE.has(name) &&
        style(delta.current, 0) === style(delta.previous, 0) &&
        style(delta.current, 1) !== style(delta.previous, 1);
      const extra = refine ? 1 : 0;
      const current = style(delta.current, extra);
      const previous = style(delta.previous, extra);
      const alike = current === previous;
      const ratio =
        delta.change_ratio === null ? DASH : this.change(alike ? 0 : delta.change_ratio);
      return {
        current,
        previous,
        /** Both print alike: the change is shown as zero. */
        alike,
        ratio,
        difference: this.difference(name, alike ? 0 : delta.change, extra),
        /** A change that prints as zero is neither good nor bad. */
        tone: /[1-9]/.test(ratio) ? changeTone(name, delta.change) : ('neutral' as const),
      };
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

/** What a report or the page says, instead of zeros, when the range holds no row at all. */
export function noDataMessage(
  platforms: readonly Platform[],
  period: { since: string; until: string; timezone: string },
): { title: string; text: string } {
  const labels = platforms.map((p) => PLATFORM_LABELS[p]);
  const which =
    labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
  return {
    title: 'No ad data in this range',
    text: `${which} reported no activity between ${dateRange(period.since, period.until)} (${period.timezone}): nothing was spent, shown or clicked, so there are no figures. Choose another range or other platforms.`,
  };
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
