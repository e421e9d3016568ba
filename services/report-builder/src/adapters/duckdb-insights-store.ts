import {
  DuckDBConnection,
  DuckDBDecimalValue,
  DuckDBInstance,
  decimalValue,
  listValue,
  timestampValue,
} from '@duckdb/node-api';
import { FX_BASE_CURRENCY, type CalendarDate, type Platform } from '@wevion/shared';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MICRO_DIGITS, parseDecimal } from '../domain/exact-money.ts';
import type { FxRate, InsightGroup } from '../domain/insight-group.ts';
import type { AggregateRequest, HourlyInsight, InsightsStore } from '../ports.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS insights_hourly (
    workspace_id     VARCHAR       NOT NULL,
    platform         VARCHAR       NOT NULL,
    account_id       VARCHAR       NOT NULL,
    campaign_id      VARCHAR       NOT NULL,
    campaign_name    VARCHAR       NOT NULL,
    ts               TIMESTAMP     NOT NULL, -- hour start, UTC
    currency         VARCHAR       NOT NULL,
    spend            DECIMAL(18,6) NOT NULL,
    impressions      BIGINT        NOT NULL,
    clicks           BIGINT        NOT NULL,
    conversions      DECIMAL(18,6) NOT NULL,
    conversion_value DECIMAL(18,6) NOT NULL
  );
  CREATE TABLE IF NOT EXISTS fx_rates (
    date     DATE           NOT NULL,
    currency VARCHAR        NOT NULL,
    rate     DECIMAL(18,10) NOT NULL, -- units per 1 EUR
    PRIMARY KEY (date, currency)
  );
  CREATE TABLE IF NOT EXISTS store_metadata (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
`;

const micros = (value: unknown): bigint => (value as DuckDBDecimalValue).value;
const sqlTimestamp = (d: Date): string =>
  `TIMESTAMP '${d.toISOString().replace('T', ' ').slice(0, 23)}'`;

/**
 * Insights in an embedded DuckDB file. Grouping by local date is an ASOF join of each hourly row
 * onto the UTC start of its local day, so DST days and half-hour zones need no per-row time-zone
 * maths and the scan stays columnar.
 */
export class DuckDbInsightsStore implements InsightsStore {
  private constructor(private readonly instance: DuckDBInstance) {}

  static async open(
    path: string,
    options: { threads?: number } = {},
  ): Promise<DuckDbInsightsStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, {
      ...(options.threads ? { threads: String(options.threads) } : {}),
    });
    const store = new DuckDbInsightsStore(instance);
    await store.withConnection((c) => c.run(SCHEMA));
    return store;
  }

  /** A connection per operation: DuckDB runs them in parallel, one connection runs one query. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }

  async aggregate({
    workspaceId,
    platforms,
    days,
    byCampaign,
  }: AggregateRequest): Promise<InsightGroup[]> {
    if (days.length === 0 || platforms.length === 0) return [];
    const dayRows = days.map((d) => `('${d.date}', ${sqlTimestamp(d.startsAt)})`).join(',');
    const campaignColumns = byCampaign ? 'i.campaign_id, i.campaign_name' : 'NULL, NULL';
    const sql = `
      WITH days(local_date, starts_at) AS (VALUES ${dayRows})
      SELECT d.local_date, i.platform, ${campaignColumns}, i.currency,
             SUM(i.spend), SUM(i.impressions)::BIGINT, SUM(i.clicks)::BIGINT,
             SUM(i.conversions), SUM(i.conversion_value), COUNT(*)::INTEGER
      FROM insights_hourly i ASOF JOIN days d ON i.ts >= d.starts_at
      WHERE i.workspace_id = $workspace
        AND list_contains($platforms, i.platform)
        AND i.ts >= ${sqlTimestamp(days[0]!.startsAt)}
        AND i.ts < ${sqlTimestamp(days[days.length - 1]!.endsAt)}
      GROUP BY ALL`;
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(sql, { workspace: workspaceId, platforms: listValue([...platforms]) }),
    );
    return reader.getRows().map((r) => ({
      date: r[0] as string,
      platform: r[1] as Platform,
      campaign_id: r[2] as string | null,
      campaign_name: r[3] as string | null,
      currency: r[4] as string,
      spend_micros: micros(r[5]),
      impressions: r[6] as bigint,
      clicks: r[7] as bigint,
      conversions_micros: micros(r[8]),
      conversion_value_micros: micros(r[9]),
      row_count: r[10] as number,
    }));
  }

  async freshness(workspaceId: string, platforms: readonly Platform[]) {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(
        `SELECT platform, strftime(MAX(ts), '%Y-%m-%dT%H:%M:%SZ') FROM insights_hourly
         WHERE workspace_id = $workspace AND list_contains($platforms, platform) GROUP BY platform`,
        { workspace: workspaceId, platforms: listValue([...platforms]) },
      ),
    );
    const latest = new Map(reader.getRows().map((r) => [r[0] as string, r[1] as string]));
    return platforms.map((platform) => ({ platform, latest_ts: latest.get(platform) ?? null }));
  }

  async fxRates(
    currencies: readonly string[],
    from: CalendarDate,
    until: CalendarDate,
  ): Promise<FxRate[]> {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(
        `WITH wanted AS (
           SELECT date, currency, rate FROM fx_rates WHERE list_contains($currencies, currency)
         )
         SELECT strftime(date, '%Y-%m-%d'), currency, rate::VARCHAR FROM wanted
         WHERE date BETWEEN $from::DATE AND $until::DATE
         UNION ALL
         SELECT strftime(MAX(date), '%Y-%m-%d'), currency, arg_max(rate, date)::VARCHAR FROM wanted
         WHERE date < $from::DATE GROUP BY currency`,
        { currencies: listValue([...currencies]), from, until },
      ),
    );
    return reader.getRows().map((r) => ({
      date: r[0] as string,
      currency: r[1] as string,
      rate: r[2] as string,
    }));
  }

  async fxCurrencies(): Promise<string[]> {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll('SELECT DISTINCT currency FROM fx_rates'),
    );
    const currencies = new Set(reader.getRows().map((r) => r[0] as string));
    currencies.add(FX_BASE_CURRENCY);
    return [...currencies].sort();
  }

  async fxSource(): Promise<string> {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(`SELECT value FROM store_metadata WHERE key = 'fx_source'`),
    );
    return (reader.getRows()[0]?.[0] as string | undefined) ?? 'unknown';
  }

  async insertHourly(rows: readonly HourlyInsight[]): Promise<void> {
    const money = (text: string) =>
      decimalValue(parseDecimal(text, MICRO_DIGITS), 18, MICRO_DIGITS);
    await this.withConnection(async (c) => {
      const appender = await c.createAppender('insights_hourly');
      for (const row of rows) {
        appender.appendVarchar(row.workspace_id);
        appender.appendVarchar(row.platform);
        appender.appendVarchar(row.account_id);
        appender.appendVarchar(row.campaign_id);
        appender.appendVarchar(row.campaign_name);
        appender.appendTimestamp(timestampValue(BigInt(row.ts.getTime()) * 1000n));
        appender.appendVarchar(row.currency);
        appender.appendDecimal(money(row.spend));
        appender.appendBigInt(BigInt(row.impressions));
        appender.appendBigInt(BigInt(row.clicks));
        appender.appendDecimal(money(row.conversions));
        appender.appendDecimal(money(row.conversion_value));
        appender.endRow();
      }
      appender.closeSync();
    });
  }

  async replaceFxRates(rates: readonly FxRate[], source: string): Promise<void> {
    await this.withConnection(async (c) => {
      await c.run('BEGIN');
      try {
        await c.run('DELETE FROM fx_rates');
        await c.run(
          `INSERT INTO fx_rates
           SELECT unnest($dates)::DATE, unnest($currencies), unnest($rates)::DECIMAL(18,10)`,
          {
            dates: listValue(rates.map((r) => r.date)),
            currencies: listValue(rates.map((r) => r.currency)),
            rates: listValue(rates.map((r) => r.rate)),
          },
        );
        await c.run(`INSERT OR REPLACE INTO store_metadata VALUES ('fx_source', $source)`, {
          source,
        });
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    this.instance.closeSync();
  }
}
