/**
 * The rollups a DuckDB insights store keeps beside its hourly rows, in step with every write
 * (`insertHourly` upserts a batch's sums into each, in the rows' own transaction). Sums are
 * 64-bit integers, money in micros: DuckDB sums them many times faster than 128-bit decimals,
 * and overflowing one would take 9 trillion in one rollup row, which fails the write loudly.
 */

/** An exact DECIMAL (a stored value or a 128-bit sum) as integer micros. */
export const MICROS = (column: string) => `(${column}::DECIMAL(38,6) * 1000000)::BIGINT`;

/** Exact money and count sums of hourly rows (aliased `i`), in `InsightGroup` order. */
const HOURLY_METRIC_SUMS = `${MICROS('SUM(i.spend)')}, SUM(i.impressions)::BIGINT,
  SUM(i.clicks)::BIGINT, ${MICROS('SUM(i.conversions)')}, ${MICROS('SUM(i.conversion_value)')}`;

/** The same sums from `insights_platform_hourly` rows (aliased `i`). */
const PLATFORM_HOURLY_METRIC_SUMS = `SUM(i.spend_micros)::BIGINT, SUM(i.impressions)::BIGINT,
  SUM(i.clicks)::BIGINT, SUM(i.conversions_micros)::BIGINT,
  SUM(i.conversion_value_micros)::BIGINT`;

/** Where grouped sums come from: a table of hourly rows (aliased `i`) and how it sums them. */
export interface SumsSource {
  table: string;
  metrics: string;
  /** How many hourly rows a group holds. */
  rowCount: string;
}

export const HOURLY: SumsSource = {
  table: 'insights_hourly',
  metrics: HOURLY_METRIC_SUMS,
  rowCount: 'COUNT(*)::INTEGER',
};

/** For groups without campaign or account: every hour of a platform and currency in one row. */
export const PLATFORM_HOURLY: SumsSource = {
  table: 'insights_platform_hourly',
  metrics: PLATFORM_HOURLY_METRIC_SUMS,
  rowCount: 'SUM(i.row_count)::INTEGER',
};

/** An hourly row's spend in micros when positive (else 0), and when negative (else 0). */
const SPEND_SIGNS = `
  CASE WHEN i.spend > 0 THEN ${MICROS('i.spend')} ELSE 0 END AS spend_positive_micros,
  CASE WHEN i.spend < 0 THEN ${MICROS('i.spend')} ELSE 0 END AS spend_negative_micros`;

/** Hourly rows of `source` (aliased `i`) as `insights_campaign_daily` rows would sum them. */
export const hourlySpendSigns = (source: string, where: string) =>
  `SELECT i.platform, i.campaign_id, i.currency, ${SPEND_SIGNS} FROM ${source} i WHERE ${where}`;

interface Rollup {
  table: string;
  /** CREATE TABLE IF NOT EXISTS … with its primary key: the rollup's grain. */
  schema: string;
  keys: string[];
  /** Summed columns, upserted as `column + EXCLUDED.column`. */
  sums: string[];
  /** The rollup rows of the hourly rows in `source` (insights_hourly or a new batch). */
  rowsOf: (source: string) => string;
}

export const ROLLUPS: readonly Rollup[] = [
  {
    // Per workspace, platform, currency and hour: a report's per-day totals, in any zone (an
    // hour is never split by a day), from 1 row in 80 of the bench store's.
    table: 'insights_platform_hourly',
    schema: `
      CREATE TABLE IF NOT EXISTS insights_platform_hourly (
        workspace_id            VARCHAR   NOT NULL,
        platform                VARCHAR   NOT NULL,
        currency                VARCHAR   NOT NULL,
        ts                      TIMESTAMP NOT NULL,
        spend_micros            BIGINT    NOT NULL,
        impressions             BIGINT    NOT NULL,
        clicks                  BIGINT    NOT NULL,
        conversions_micros      BIGINT    NOT NULL,
        conversion_value_micros BIGINT    NOT NULL,
        row_count               BIGINT    NOT NULL, -- hourly rows summed
        PRIMARY KEY (workspace_id, platform, currency, ts)
      )`,
    keys: ['workspace_id', 'platform', 'currency', 'ts'],
    sums: [
      'spend_micros',
      'impressions',
      'clicks',
      'conversions_micros',
      'conversion_value_micros',
      'row_count',
    ],
    rowsOf: (source) => `
      SELECT i.workspace_id, i.platform, i.currency, i.ts, ${HOURLY.metrics}, ${HOURLY.rowCount}
      FROM ${source} i GROUP BY ALL`,
  },
  {
    // Per campaign, currency and UTC day, spend by sign: what ranking top campaigns needs over
    // a period's whole UTC days (its first and last part-days come from the hourly rows).
    table: 'insights_campaign_daily',
    schema: `
      CREATE TABLE IF NOT EXISTS insights_campaign_daily (
        workspace_id          VARCHAR NOT NULL,
        platform              VARCHAR NOT NULL,
        campaign_id           VARCHAR NOT NULL,
        currency              VARCHAR NOT NULL,
        day                   DATE    NOT NULL, -- UTC
        spend_positive_micros BIGINT  NOT NULL,
        spend_negative_micros BIGINT  NOT NULL,
        PRIMARY KEY (workspace_id, platform, campaign_id, currency, day)
      )`,
    keys: ['workspace_id', 'platform', 'campaign_id', 'currency', 'day'],
    sums: ['spend_positive_micros', 'spend_negative_micros'],
    rowsOf: (source) => `
      SELECT workspace_id, platform, campaign_id, currency, day,
             SUM(spend_positive_micros)::BIGINT, SUM(spend_negative_micros)::BIGINT
      FROM (SELECT i.workspace_id, i.ts::DATE AS day, i.platform, i.campaign_id, i.currency,
                   ${SPEND_SIGNS} FROM ${source} i)
      GROUP BY ALL`,
  },
];

/** Bumped when a rollup changes meaning: a file built before rebuilds them all when opened. */
export const ROLLUPS_VERSION = '1';

/** Adds the rollup rows of `source` into `rollup`, summing into rows that exist. */
export const upsertInto = (rollup: Rollup, source: string) => `
  INSERT INTO ${rollup.table} ${rollup.rowsOf(source)}
  ON CONFLICT (${rollup.keys.join(', ')}) DO UPDATE SET
  ${rollup.sums.map((c) => `${c} = ${c} + EXCLUDED.${c}`).join(', ')}`;
