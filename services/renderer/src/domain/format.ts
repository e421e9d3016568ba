import type { MetricName } from '@wevion/shared';

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
  const signed = (x: number, text: string) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${text}`;
  const orDash = <T>(value: T | null, format: (v: T) => string) =>
    value === null ? DASH : format(value);
  return {
    money: (v: number | null) => orDash(v, (x) => money.format(x)),
    unitCost: (v: number | null) => orDash(v, (x) => unitCost.format(x)),
    compactMoney: (v: number | null) => orDash(v, (x) => compactMoney.format(x)),
    integer: (v: number | null) => orDash(v, (x) => integer.format(x)),
    decimal: (v: number | null) => orDash(v, (x) => decimal.format(x)),
    compact: (v: number | null) => orDash(v, (x) => compact.format(x)),
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

/** "1 Aug 2026" from a calendar date, without time-zone drift. */
export function longDate(date: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
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
