import { parseReportQuery, type ReportQuery } from '@wevion/shared';
import type { InsightGroup } from '../src/domain/insight-group.ts';
import { parseDecimal } from '../src/domain/exact-money.ts';
import type { HourlyInsight } from '../src/ports.ts';

export function hourly(overrides: Partial<HourlyInsight> & { ts: Date }): HourlyInsight {
  return {
    workspace_id: 'ws_test',
    platform: 'meta',
    account_id: 'act_1',
    campaign_id: 'c1',
    campaign_name: 'Campaign one',
    currency: 'EUR',
    spend: '1.00',
    impressions: 100,
    clicks: 1,
    conversions: '0',
    conversion_value: '0',
    ...overrides,
  };
}

/** Hourly rows every hour from `from` (inclusive) to `to` (exclusive), UTC. */
export function everyHour(
  from: string,
  to: string,
  overrides: Partial<HourlyInsight> = {},
): HourlyInsight[] {
  const rows: HourlyInsight[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 3_600_000) {
    rows.push(hourly({ ...overrides, ts: new Date(t) }));
  }
  return rows;
}

export function group(
  overrides: Partial<
    Omit<InsightGroup, 'spend_micros' | 'conversion_value_micros' | 'conversions_micros'>
  > & {
    spend?: string;
    conversions?: string;
    conversion_value?: string;
  },
): InsightGroup {
  const { spend = '0', conversions = '0', conversion_value = '0', ...rest } = overrides;
  return {
    date: '2026-03-02',
    platform: 'meta',
    campaign_id: 'c1',
    campaign_name: 'Campaign one',
    currency: 'EUR',
    impressions: 0n,
    clicks: 0n,
    row_count: 24,
    ...rest,
    spend_micros: parseDecimal(spend, 6),
    conversions_micros: parseDecimal(conversions, 6),
    conversion_value_micros: parseDecimal(conversion_value, 6),
  };
}

export function query(overrides: Partial<ReportQuery> = {}): ReportQuery {
  return parseReportQuery(
    {
      workspace_id: 'ws_test',
      since: '2026-03-02',
      until: '2026-03-03',
      platforms: ['meta', 'google'],
      target_currency: 'EUR',
      timezone: 'UTC',
      ...overrides,
    },
    { currencies: ['EUR', 'USD', 'JPY', 'GBP'] },
  );
}
