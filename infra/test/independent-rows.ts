import { DuckDBInstance } from '@duckdb/node-api';
import type { CsvLayout, Platform } from '@wevion/shared';

/**
 * What a CSV export should contain, computed from the raw hourly rows without any of the
 * engine's code: local dates through Intl, the latest rate on or before each date, sums in
 * doubles, periods and keys re-derived here. Tests compare the downloaded file with this.
 */
export interface ExpectedRow {
  key: string;
  date: string | null;
  platform: Platform | null;
  account_id: string | null;
  account_currency: string | null;
  campaign_id: string | null;
  campaign_name: string | null;
  spend: number;
  impressions: number;
  clicks: number;
  conversions: number;
  conversion_value: number;
}

export interface ExpectedQuery {
  workspace_id: string;
  since: string;
  until: string;
  platforms: readonly string[];
  target_currency: string;
  timezone: string;
}

function periodOf(date: string, layout: CsvLayout, since: string): string | null {
  if (!layout.dimensions.includes('date') || layout.granularity === 'total') return null;
  let start = date;
  if (layout.granularity === 'week') {
    const day = new Date(`${date}T12:00:00Z`);
    const sinceMonday = (day.getUTCDay() + 6) % 7;
    start = new Date(day.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
  } else if (layout.granularity === 'month') {
    start = `${date.slice(0, 7)}-01`;
  }
  return start < since ? since : start;
}

export async function expectedRows(
  storePath: string,
  query: ExpectedQuery,
  layout: CsvLayout,
): Promise<Map<string, ExpectedRow>> {
  const instance = await DuckDBInstance.create(storePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const platforms = query.platforms.map((p) => `'${p}'`).join(',');
    const raw = (
      await connection.runAndReadAll(
        `SELECT platform, account_id, campaign_id, campaign_name, epoch_ms(ts)::DOUBLE, currency,
                spend::DOUBLE, impressions::DOUBLE, clicks::DOUBLE, conversions::DOUBLE,
                conversion_value::DOUBLE
         FROM insights_hourly
         WHERE workspace_id = '${query.workspace_id}' AND platform IN (${platforms})
           AND ts >= DATE '${query.since}' - INTERVAL 2 DAY AND ts < DATE '${query.until}' + INTERVAL 2 DAY`,
      )
    ).getRows();
    const rates = (
      await connection.runAndReadAll(
        `SELECT strftime(date, '%Y-%m-%d'), currency, rate::DOUBLE FROM fx_rates ORDER BY date`,
      )
    ).getRows() as [string, string, number][];
    const rateOn = (currency: string, date: string): number => {
      if (currency === 'EUR') return 1;
      let found: number | undefined;
      for (const [d, c, rate] of rates) if (c === currency && d <= date) found = rate;
      if (found === undefined) throw new Error(`no ${currency} rate on or before ${date}`);
      return found;
    };
    const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: query.timezone });
    const has = (d: CsvLayout['dimensions'][number]) => layout.dimensions.includes(d);
    const rows = new Map<string, ExpectedRow & { latest: number }>();
    for (const r of raw) {
      const [platform, account, campaign, name, ms, currency, spend, imp, clicks, conv, value] =
        r as [
          Platform,
          string,
          string,
          string,
          number,
          string,
          number,
          number,
          number,
          number,
          number,
        ];
      const date = localDate.format(new Date(ms));
      if (date < query.since || date > query.until) continue;
      const factor = rateOn(query.target_currency, date) / rateOn(currency, date);
      const fields = {
        date: has('date') ? periodOf(date, layout, query.since) : null,
        platform: has('platform') ? platform : null,
        account_id: has('account') ? account : null,
        account_currency: has('account') ? currency : null,
        campaign_id: has('campaign') ? campaign : null,
      };
      const key = JSON.stringify(fields);
      let row = rows.get(key);
      if (!row) {
        row = {
          key,
          ...fields,
          campaign_name: null,
          latest: -Infinity,
          spend: 0,
          impressions: 0,
          clicks: 0,
          conversions: 0,
          conversion_value: 0,
        };
        rows.set(key, row);
      }
      row.spend += spend * factor;
      row.conversion_value += value * factor;
      row.impressions += imp;
      row.clicks += clicks;
      row.conversions += conv;
      if (has('campaign') && ms > row.latest) {
        row.latest = ms;
        row.campaign_name = name;
      }
    }
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The key a CSV record has under the same rules, from its parsed cells. */
export function keyOfRecord(record: Record<string, string>, layout: CsvLayout): string {
  const has = (d: CsvLayout['dimensions'][number]) => layout.dimensions.includes(d);
  const date = record.date?.includes('/') ? null : (record.date ?? null);
  return JSON.stringify({
    date: has('date') ? date : null,
    platform: has('platform') ? record.platform : null,
    account_id: has('account') ? record.account_id : null,
    account_currency: has('account') ? record.account_currency : null,
    campaign_id: has('campaign') ? record.campaign_id : null,
  });
}
