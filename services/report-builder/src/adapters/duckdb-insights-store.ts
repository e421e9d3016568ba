import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBDataChunk,
  type DuckDBValue,
  decimalValue,
  listValue,
  timestampValue,
} from '@duckdb/node-api';
import { FX_BASE_CURRENCY, type CalendarDate, type Dimension, type Platform } from '@wevion/shared';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MICRO_DIGITS, parseDecimal } from '../domain/exact-money.ts';
import { evenChunks, exportParts } from '../domain/export-parts.ts';
import { isDatePlatformGrid } from '../domain/export-rows.ts';
import {
  rankingCandidates,
  topCampaignDetail,
  type CampaignSpend,
} from '../domain/campaign-ranking.ts';
import type { FxRate, InsightGroup, RankingWeight, RowGroup } from '../domain/insight-group.ts';
import { offsetSegments, type LocalDay } from '../domain/local-days.ts';
import { KNOWN_CAMPAIGNS_TABLE, KnownCampaigns } from './duckdb-known-campaigns.ts';
import {
  HOURLY,
  hourlySpendSigns,
  PLATFORM_HOURLY,
  ROLLUPS,
  ROLLUPS_VERSION,
  upsertInto,
} from './duckdb-rollups.ts';
import type {
  AggregateRequest,
  AggregateResult,
  ExportGroupsRequest,
  HourlyInsight,
  InsightsStore,
} from '../ports.ts';

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

const sqlTimestamp = (d: Date): string =>
  `TIMESTAMP '${d.toISOString().replace('T', ' ').slice(0, 23)}'`;

const DAY_US = 86_400_000_000;
/** Days since 1970-01-01 of a calendar date: the integer `localDayNumber` yields for it. */
const dayNumber = (date: CalendarDate) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * The UTC bounds of the days and the SQL for an hourly row's local date as a day number (days
 * since 1970-01-01): UTC microseconds plus the offset in force, from a handful of
 * constant-offset segments, divided by a day. Integer arithmetic costs a third of timestamp
 * arithmetic and a DATE cast on every row; `DATE '1970-01-01' + n` turns the few groups back.
 */
function localDayOf(days: readonly LocalDay[], timezone: string) {
  const from = days[0]!.startsAt;
  const to = days[days.length - 1]!.endsAt;
  const segments = offsetSegments(from, to, timezone);
  const offset = segments
    .slice(1)
    .reverse()
    .reduce(
      (otherwise, s) =>
        `CASE WHEN i.ts >= ${sqlTimestamp(s.startsAt)} THEN ${s.offsetMinutes * 60_000_000} ELSE ${otherwise} END`,
      String(segments[0]!.offsetMinutes * 60_000_000),
    );
  return { from, to, localDayNumber: `((epoch_us(i.ts) + ${offset}) // ${DAY_US})` };
}

/** Which hourly rows an aggregate reads, and how a row's local day is found. */
interface GroupScope {
  where: string;
  params: Record<string, DuckDBValue>;
  localDayNumber: string;
  /** The UTC bounds of the days. */
  from: Date;
  to: Date;
}

/**
 * Each campaign's spend by sign over [from, to): its whole UTC days from the campaign rollup,
 * the hours before the first and after the last whole day from the hourly rows.
 */
function campaignSpendSql({ from, to }: GroupScope): string {
  const DAY_MS = 86_400_000;
  const firstWhole = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const endWhole = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
  const inScope = 'i.workspace_id = $workspace AND list_contains($platforms, i.platform)';
  const hours = (start: Date, end: Date) =>
    hourlySpendSigns(
      'insights_hourly',
      `${inScope} AND i.ts >= ${sqlTimestamp(start)} AND i.ts < ${sqlTimestamp(end)}`,
    );
  const parts =
    firstWhole < endWhole
      ? [
          `SELECT platform, campaign_id, currency, spend_positive_micros, spend_negative_micros
           FROM insights_campaign_daily i
           WHERE ${inScope} AND i.day >= ${sqlTimestamp(firstWhole)}::DATE
             AND i.day < ${sqlTimestamp(endWhole)}::DATE`,
          hours(from, firstWhole),
          hours(endWhole, to),
        ]
      : [hours(from, to)];
  return `SELECT platform, campaign_id, currency, SUM(spend_positive_micros)::BIGINT,
                 SUM(spend_negative_micros)::BIGINT
          FROM (${parts.join(' UNION ALL ')}) GROUP BY ALL`;
}

/**
 * Groups per query of an export: 8 days of 2,000 campaigns. Each part's grouping then fits in
 * 48 MB of DuckDB memory whatever the range or the workspace's size, and a part is still big
 * enough to be worth its query (measured with `npm run bench:csv`, docs/benchmarks.md).
 */
const DEFAULT_EXPORT_PART_GROUPS = 16_000;

/**
 * Groups per batch handed on from a DuckDB chunk (2,048 rows): a batch is what is alive across
 * the JavaScript collector's young-generation passes, so smaller batches leave it less to copy.
 * At 256 instead of 2,048 those passes took two thirds of the time in the 90-day CSV, and a
 * young generation half as large cost no more than the whole one did before (issue 25).
 */
const EXPORT_BATCH_GROUPS = 256;

/** Hourly rows per step of a rollup rebuild: a week. */
const REBUILD_SLICE_MS = 7 * 86_400_000;

/**
 * DuckDB's cap while the rollups are rebuilt. The rebuild is one transaction, and DuckDB keeps
 * its uncommitted rows in memory whatever the slice: at the service's 48 MB the rebuild of the
 * 35-million-row benchmark store failed, so report-builder could not have opened it after a
 * rollup change; at 256 MB it took 32 s. It runs alone, when a store opens or after a bulk load,
 * and the store's own cap applies again to everything after it. A cap set above 256 MB is
 * lowered to this for the rebuild (DuckDB takes sizes as text and offers no way to compare them).
 */
const REBUILD_MEMORY_LIMIT = '256MB';

/** The ids an export part is limited to: from `from` (inclusive) to `before` (exclusive). */
interface KeyRange {
  column: 'account_id' | 'campaign_id';
  from: string | null;
  before: string | null;
}

/** One query of an export: the request, with fewer days or platforms, or a range of ids. */
type ExportPart = ExportGroupsRequest & { keyRange?: KeyRange };

/** The five sums every grouped query ends with (`HOURLY.metrics`), from column `at` on. */
function metricSums(r: DuckDBValue[], at: number) {
  return {
    spend_micros: r[at] as bigint,
    impressions: r[at + 1] as bigint,
    clicks: r[at + 2] as bigint,
    conversions_micros: r[at + 3] as bigint,
    conversion_value_micros: r[at + 4] as bigint,
  };
}

/**
 * The groups of rows `from` to `to` (exclusive) of one chunk of the export query, read column
 * by column: dates and platforms come as indexes into the part's lists, a campaign the export
 * has read before as its number in `known` (and is noted there when not). Reading a chunk's
 * vectors directly spares a row array and a boxed value per cell.
 */
function rowGroups(
  chunk: DuckDBDataChunk,
  from: number,
  to: number,
  dates: readonly CalendarDate[],
  platforms: readonly Platform[],
  known: KnownCampaigns | null,
): RowGroup[] {
  const column = (i: number) => chunk.getColumnVector(i);
  const [period, platform, account, id, name, day, currency] = [0, 1, 2, 3, 4, 5, 6].map(column);
  const [spend, impressions, clicks, conversions, value, number] = [7, 8, 9, 10, 11, 12].map(
    column,
  );
  const groups = new Array<RowGroup>(to - from);
  for (let j = from; j < to; j++) {
    let campaignId = id!.getItem(j) as string | null;
    let campaignName = name!.getItem(j) as string | null;
    const knownNumber = number!.getItem(j) as number | null;
    if (knownNumber !== null) {
      campaignId = known!.ids[knownNumber]!;
      campaignName = known!.names[knownNumber]!;
    } else if (known && campaignId !== null) known.add(campaignId, campaignName!);
    const periodIndex = period!.getItem(j) as number | null;
    const platformPosition = platform!.getItem(j) as number | null;
    groups[j - from] = {
      period: periodIndex === null ? null : dates[periodIndex]!,
      platform: platformPosition === null ? null : platforms[platformPosition - 1]!,
      account_id: account!.getItem(j) as string | null,
      campaign_id: campaignId,
      campaign_name: campaignName,
      date: dates[day!.getItem(j) as number]!,
      currency: currency!.getItem(j) as string,
      spend_micros: spend!.getItem(j) as bigint,
      impressions: impressions!.getItem(j) as bigint,
      clicks: clicks!.getItem(j) as bigint,
      conversions_micros: conversions!.getItem(j) as bigint,
      conversion_value_micros: value!.getItem(j) as bigint,
    };
  }
  return groups;
}

/** A date-first export by campaign: its parts hold the same campaigns (see `KnownCampaigns`). */
const namesCampaigns = ({ dimensions }: ExportGroupsRequest) =>
  dimensions[0] === 'date' && dimensions.includes('campaign');

/**
 * Per dimension: the grouped columns, and the sort order as columns of the grouped rows
 * (`platform` is the platform's position in the request, dates' indexes ascend with the dates).
 */
const DIMENSION_SQL: Record<Dimension, { columns: string[]; order: string[] }> = {
  date: { columns: ['p.period'], order: ['period'] },
  platform: { columns: ['i.platform'], order: ['platform'] },
  account: { columns: ['i.account_id'], order: ['account_id', 'currency'] },
  campaign: { columns: ['i.campaign_id'], order: ['campaign_id'] },
};

/**
 * Insights in an embedded DuckDB file. Local dates come from UTC plus the zone's offset, taken
 * from a handful of constant-offset segments computed up front, so DST days and half-hour zones
 * need no per-row time-zone lookup and the scan stays columnar.
 */
export class DuckDbInsightsStore implements InsightsStore {
  /** The write in progress (see inTransaction). */
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly exportPartGroups: number,
    /** The configured cap, restored after a rebuild; `null`: DuckDB's own default, never changed. */
    private readonly memoryLimit: string | null,
  ) {}

  static async open(
    path: string,
    options: {
      threads?: number;
      memoryLimit?: string;
      /** Groups per query of an export (see exportPartsOf); tests set it low. */
      exportPartGroups?: number;
    } = {},
  ): Promise<DuckDbInsightsStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, {
      ...(options.threads ? { threads: String(options.threads) } : {}),
      ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
      // Hand freed memory back to the OS soon (the default keeps 128 MB cached per process),
      // so a worker's RSS follows the export it is running, not the largest one it ever ran.
      allocator_flush_threshold: '16MB',
    });
    const store = new DuckDbInsightsStore(
      instance,
      options.exportPartGroups ?? DEFAULT_EXPORT_PART_GROUPS,
      options.memoryLimit ?? null,
    );
    await store.withConnection((c) => c.run(SCHEMA));
    const built = await store.withConnection(
      async (c) =>
        (
          await c.runAndReadAll(`SELECT value FROM store_metadata WHERE key = 'rollups'`)
        ).getRows()[0]?.[0],
    );
    // A file from before the rollup (or from another version of it) gets it once, here.
    if (built !== ROLLUPS_VERSION) await store.rebuildRollups();
    return store;
  }

  /** Sums every rollup again from the hourly rows (after a bulk load past insertHourly). */
  async rebuildRollups(): Promise<void> {
    const cap = this.memoryLimit;
    if (cap === null) return this.rebuildRollupsInOneTransaction();
    // The cap is the instance's, not the connection's: it changes for the rebuild alone.
    await this.withConnection((c) => c.run(`SET memory_limit = '${REBUILD_MEMORY_LIMIT}'`));
    try {
      await this.rebuildRollupsInOneTransaction();
    } finally {
      await this.withConnection((c) => c.run(`SET memory_limit = '${cap}'`));
    }
  }

  private async rebuildRollupsInOneTransaction(): Promise<void> {
    await this.inTransaction(async (c) => {
      const bounds = (
        await c.runAndReadAll(
          `SELECT epoch_ms(date_trunc('day', MIN(ts))), epoch_ms(MAX(ts)) FROM insights_hourly`,
        )
      ).getRows()[0]!;
      for (const rollup of ROLLUPS) {
        await c.run(`DROP TABLE IF EXISTS ${rollup.table}`);
        await c.run(rollup.schema);
      }
      // A week of hourly rows at a time: each rollup row is one UTC hour or day, so the slices'
      // rows never meet, and no grouping holds more than a week within DuckDB's memory limit.
      // An empty table has no bounds (NULL) and no slices.
      const [first, last] = bounds[0] === null ? [1, 0] : bounds.map(Number);
      for (let from = first!; from <= last!; from += REBUILD_SLICE_MS) {
        const slice = `(SELECT * FROM insights_hourly WHERE ts >= ${sqlTimestamp(new Date(from))}
                          AND ts < ${sqlTimestamp(new Date(from + REBUILD_SLICE_MS))})`;
        for (const rollup of ROLLUPS) {
          await c.run(`INSERT INTO ${rollup.table} ${rollup.rowsOf(slice)}`);
        }
      }
      await c.run(`INSERT OR REPLACE INTO store_metadata VALUES ('rollups', $version)`, {
        version: ROLLUPS_VERSION,
      });
    });
  }

  /**
   * One write at a time, each in its own transaction: two transactions adding into the same
   * rollup row would conflict, and DuckDB would abort one of them.
   */
  private async inTransaction(work: (connection: DuckDBConnection) => Promise<void>) {
    const write = this.writes.then(() =>
      this.withConnection(async (c) => {
        await c.run('BEGIN');
        try {
          await work(c);
          await c.run('COMMIT');
        } catch (error) {
          // A failed COMMIT has already rolled back; the error to report is the first one.
          await c.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    );
    this.writes = write.catch(() => undefined);
    await write;
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

  /**
   * Per-day totals from the platform-hour rollup; top campaigns in three steps, so no query
   * groups millions of rows per campaign and day: every campaign's spend over the period, the
   * few that can rank (`rankingCandidates`), their daily detail ranked exactly.
   */
  async aggregate({
    workspaceId,
    platforms,
    timezone,
    days,
    campaigns,
  }: AggregateRequest): Promise<AggregateResult> {
    if (days.length === 0 || platforms.length === 0) return { groups: [], campaignGroups: [] };
    const { from, to, localDayNumber } = localDayOf(days, timezone);
    const scope = {
      where: `i.workspace_id = $workspace AND list_contains($platforms, i.platform)
              AND i.ts >= ${sqlTimestamp(from)} AND i.ts < ${sqlTimestamp(to)}`,
      params: { workspace: workspaceId, platforms: listValue([...platforms]) },
      localDayNumber,
      from,
      to,
    };
    const [groups, campaignGroups] = await Promise.all([
      this.insightGroups(scope, {
        from: `${PLATFORM_HOURLY.table} i`,
        keys: 'NULL AS campaign_id, NULL AS campaign_name',
        sums: `${PLATFORM_HOURLY.metrics}, ${PLATFORM_HOURLY.rowCount}`,
      }),
      campaigns.kind === 'top'
        ? this.topCampaigns(scope, days, campaigns.weights, campaigns.limit)
        : [],
    ]);
    return { groups, campaignGroups };
  }

  private async topCampaigns(
    scope: GroupScope,
    days: readonly LocalDay[],
    weights: readonly RankingWeight[],
    limit: number,
  ): Promise<InsightGroup[]> {
    const spends = await this.withConnection(async (c) =>
      (await c.runAndReadAll(campaignSpendSql(scope), scope.params))
        .getRows()
        .map((r): CampaignSpend => ({
          platform: r[0] as string,
          campaign_id: r[1] as string,
          currency: r[2] as string,
          positive: Number(r[3] as bigint) / 1e6,
          negative: Number(r[4] as bigint) / 1e6,
        })),
    );
    const candidates = rankingCandidates(
      spends,
      weights,
      days.map((d) => d.date),
      limit,
    );
    if (candidates.length === 0) return [];
    const detail = await this.insightGroups(
      {
        ...scope,
        params: {
          ...scope.params,
          candidate_platforms: listValue(candidates.map((c) => c.platform)),
          candidate_ids: listValue(candidates.map((c) => c.campaign_id)),
        },
      },
      {
        from: `insights_hourly i SEMI JOIN (
                 SELECT unnest($candidate_platforms) AS platform, unnest($candidate_ids) AS campaign_id
               ) c ON c.platform = i.platform AND c.campaign_id = i.campaign_id`,
        keys: 'i.campaign_id, i.campaign_name',
        sums: `${HOURLY.metrics}, ${HOURLY.rowCount}`,
      },
    );
    return topCampaignDetail(detail, weights, limit);
  }

  /** Rows of `from` in scope summed per local day, platform, `keys` and currency, exactly. */
  private async insightGroups(
    { where, params, localDayNumber }: GroupScope,
    { from, keys, sums }: { from: string; keys: string; sums: string },
  ): Promise<InsightGroup[]> {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(
        `SELECT strftime(DATE '1970-01-01' + day_number::INTEGER, '%Y-%m-%d'), * EXCLUDE (day_number)
         FROM (
           SELECT ${localDayNumber} AS day_number, i.platform, ${keys}, i.currency, ${sums}
           FROM ${from} WHERE ${where} GROUP BY ALL)`,
        params,
      ),
    );
    return reader.getRows().map((r) => ({
      date: r[0] as string,
      platform: r[1] as Platform,
      campaign_id: r[2] as string | null,
      campaign_name: r[3] as string | null,
      currency: r[4] as string,
      ...metricSums(r, 5),
      row_count: r[10] as number,
    }));
  }

  /**
   * The grouped query of `exportGroups`, with its parameters: also what a benchmark hands to
   * DuckDB's own `COPY … TO` as the floor of an export. With `joinKnown`, its rows end with a
   * campaign's number in the connection's `KNOWN_CAMPAIGNS_TABLE` where the pair is there, its
   * id and name then left null; otherwise, null.
   */
  exportGroupsQuery(
    { workspaceId, platforms, timezone, days, dimensions, periodOf, keyRange }: ExportPart,
    joinKnown = false,
  ) {
    const { from, to, localDayNumber } = localDayOf(days, timezone);
    const has = (d: Dimension) => dimensions.includes(d);
    // Dates and platforms cross as small integers (an index into `dates` and `platforms`):
    // reading 180,000 short strings out of DuckDB costs more than the whole query. A period
    // starts on one of the days, so `dates` indexes periods too.
    const dates = days.map((d) => d.date);
    const dateIndex = (date: string | null) => (date === null ? 'NULL' : dates.indexOf(date));
    const periods = dates
      .map(
        (date) =>
          `(${dayNumber(date)}, ${dateIndex(date)}, ${dateIndex(periodOf.get(date) ?? null)})`,
      )
      .join(', ');
    // A date × platform file needs no campaign's hours: the platform rollup has every hour.
    const source = isDatePlatformGrid(dimensions) ? PLATFORM_HOURLY : HOURLY;
    const keyColumns = dimensions.flatMap((d) => DIMENSION_SQL[d].columns);
    const order = dimensions.flatMap((d) => DIMENSION_SQL[d].order);
    const campaign = joinKnown
      ? {
          columns: `CASE WHEN n.number IS NULL THEN g.campaign_id END,
                    CASE WHEN n.number IS NULL THEN g.campaign_name END`,
          number: 'n.number',
          join: `LEFT JOIN (
                   SELECT unnest(known_ids) AS campaign_id, unnest(known_names) AS campaign_name,
                          (generate_subscripts(known_ids, 1) - 1)::INTEGER AS number
                   FROM ${KNOWN_CAMPAIGNS_TABLE}
                 ) n ON n.campaign_id = g.campaign_id AND n.campaign_name = g.campaign_name`,
        }
      : { columns: 'g.campaign_id, g.campaign_name', number: 'NULL::INTEGER', join: '' };
    const sql = `
      WITH local AS (
        SELECT ${localDayNumber} AS day_number, i.* FROM ${source.table} i
        WHERE i.workspace_id = $workspace
          AND list_contains($platforms, i.platform)
          AND i.ts >= ${sqlTimestamp(from)} AND i.ts < ${sqlTimestamp(to)}
          ${keyRange?.from != null ? `AND i.${keyRange.column} >= $range_from` : ''}
          ${keyRange?.before != null ? `AND i.${keyRange.column} < $range_before` : ''}
      ),
      periods(day_number, day_index, period) AS (VALUES ${periods}),
      grouped(period, platform, account_id, campaign_id, campaign_name, day_index, currency,
              spend_micros, impressions, clicks, conversions_micros, conversion_value_micros) AS (
        SELECT ${has('date') ? 'p.period' : 'NULL'}::INTEGER,
               ${has('platform') ? 'list_position($platforms, i.platform)' : 'NULL'}::INTEGER,
               ${has('account') ? 'i.account_id' : 'NULL'},
               ${has('campaign') ? 'i.campaign_id, arg_max(i.campaign_name, i.ts)' : 'NULL, NULL'},
               p.day_index::INTEGER, i.currency, ${source.metrics}
        FROM local i JOIN periods p USING (day_number)
        GROUP BY ${[...keyColumns, 'p.day_index', 'i.currency'].join(', ')}
      )
      SELECT g.period, g.platform, g.account_id, ${campaign.columns}, g.day_index, g.currency,
             g.spend_micros, g.impressions, g.clicks, g.conversions_micros,
             g.conversion_value_micros, ${campaign.number}
      FROM grouped g ${campaign.join}
      ORDER BY ${[...order, 'day_index', 'currency'].map((c) => `g.${c}`).join(', ')}`;
    return {
      sql,
      params: {
        workspace: workspaceId,
        platforms: listValue([...platforms]),
        ...(keyRange?.from != null ? { range_from: keyRange.from } : {}),
        ...(keyRange?.before != null ? { range_before: keyRange.before } : {}),
      },
      dates,
    };
  }

  /**
   * An export's queries: parts of its first dimension, whose rows follow one another in the
   * file, of about `exportPartGroups` groups each, counted from the campaign rollup (a campaign's
   * day is a group of the largest layouts, so the count bounds any layout's). Dates go by whole
   * periods, platforms in the request's order, accounts and campaigns by ranges of their ids
   * (each range open towards the next, so a key written meanwhile still lands in one part). A
   * date × platform grid is one query.
   */
  private async exportPartsOf(request: ExportGroupsRequest): Promise<ExportPart[]> {
    if (isDatePlatformGrid(request.dimensions)) return [request];
    const count = Math.ceil((await this.campaignDays(request)) / this.exportPartGroups);
    if (count <= 1) return [request];
    const first = request.dimensions[0]!;
    switch (first) {
      case 'date': {
        const partDays = Math.ceil(request.days.length / count);
        // By campaign, the first period is a part of its own: the parts after it join the
        // campaigns it names rather than read their text again (exportGroups).
        return exportParts(request.days, request.periodOf, partDays, {
          leadAlone: namesCampaigns(request),
        }).map((days) => ({ ...request, days }));
      }
      case 'platform':
        return evenChunks(request.platforms, count).map((platforms) => ({ ...request, platforms }));
      case 'account':
      case 'campaign': {
        // Each range scans every hour of the period for its ids (ids are not stored in order),
        // so ranges hold twice the groups: 32,000 still fit 48 MB (64,000 did not), and a
        // 90-day account × campaign export took 2.5 s in 6 ranges against 3.5 s in 12.
        const ranges = Math.ceil(count / 2);
        if (ranges <= 1) return [request];
        const column = first === 'account' ? 'account_id' : 'campaign_id';
        const chunks = evenChunks(await this.distinctKeys(request, column), ranges);
        return chunks.map((chunk, k) => ({
          ...request,
          keyRange: {
            column,
            from: k === 0 ? null : chunk[0]!,
            before: chunks[k + 1]?.[0] ?? null,
          },
        }));
      }
    }
  }

  /** How many campaign days (UTC) the request's days touch: the rollup's rows, a quick count. */
  private async campaignDays({ workspaceId, platforms, days }: ExportGroupsRequest) {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(
        `SELECT COUNT(*) FROM insights_campaign_daily
         WHERE workspace_id = $workspace AND list_contains($platforms, platform)
           AND day >= ${sqlTimestamp(days[0]!.startsAt)}::DATE
           AND day <= ${sqlTimestamp(days[days.length - 1]!.endsAt)}::DATE`,
        { workspace: workspaceId, platforms: listValue([...platforms]) },
      ),
    );
    return Number(reader.getRows()[0]![0]);
  }

  /** The ids an export's hourly rows hold in its first dimension, sorted as its query sorts them. */
  private async distinctKeys(
    { workspaceId, platforms, days }: ExportGroupsRequest,
    column: KeyRange['column'],
  ): Promise<string[]> {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(
        `SELECT DISTINCT ${column} FROM insights_hourly i
         WHERE i.workspace_id = $workspace AND list_contains($platforms, i.platform)
           AND i.ts >= ${sqlTimestamp(days[0]!.startsAt)}
           AND i.ts < ${sqlTimestamp(days[days.length - 1]!.endsAt)}
         ORDER BY 1`,
        { workspace: workspaceId, platforms: listValue([...platforms]) },
      ),
    );
    return reader.getRows().map((r) => r[0] as string);
  }

  /**
   * An export runs as one query per part (`exportPartsOf`), each on the next of two
   * connections: DuckDB groups and sorts part k + 1 on its own threads while JavaScript converts
   * part k. Each part's grouping is a fraction of the whole in memory, which is what lets
   * DuckDB's memory limit stay small (docs/operations.md). Parts by date hold the same
   * campaigns: the first, one period long, is read before the second starts, so from the second
   * on they return the pairs already read as numbers (each connection's copy of `known` is
   * brought up to date before its next part). Groups go on in batches of `EXPORT_BATCH_GROUPS`.
   */
  async *exportGroups(request: ExportGroupsRequest): AsyncGenerator<RowGroup[]> {
    if (request.days.length === 0 || request.platforms.length === 0) return;
    const parts = await this.exportPartsOf(request);
    if (parts.length === 0) return;
    const known = namesCampaigns(request) ? new KnownCampaigns() : null;
    const connections = await Promise.all(parts.slice(0, 2).map(() => this.instance.connect()));
    let stopping = false;
    const start = (k: number) => {
      const connection = connections[k % connections.length]!;
      const joinKnown = known?.worthJoining ?? false;
      const { sql, params, dates } = this.exportGroupsQuery(parts[k]!, joinKnown);
      // The connection is idle: its last part was read to the end before this one starts.
      const result = (joinKnown ? known!.syncTo(connection) : Promise.resolve()).then(() => {
        if (stopping) throw new Error('the export stopped before this part started');
        return connection.stream(sql, params);
      });
      // Awaited on its turn; until then a failure must not count as unhandled.
      result.catch(() => undefined);
      return { result, dates, platforms: parts[k]!.platforms };
    };
    let next = start(0);
    try {
      for (let k = 0; k < parts.length; k++) {
        const { result, dates, platforms } = next;
        const rows = await result;
        // The first part of an export by campaign names the pairs the next one joins: it is
        // read before that one starts.
        const naming = k === 0 && known !== null;
        if (!naming && k + 1 < parts.length) next = start(k + 1);
        for await (const chunk of rows) {
          for (let from = 0; from < chunk.rowCount; from += EXPORT_BATCH_GROUPS) {
            const to = Math.min(chunk.rowCount, from + EXPORT_BATCH_GROUPS);
            yield rowGroups(chunk, from, to, dates, platforms, known);
          }
        }
        if (naming && k + 1 < parts.length) next = start(k + 1);
      }
    } finally {
      // A reader that stopped early leaves the next part running (or about to): stop it first.
      stopping = true;
      for (const connection of connections) connection.interrupt();
      await next.result.catch(() => undefined);
      for (const connection of connections) connection.closeSync();
    }
  }

  /** How many hourly rows the file holds (0 for a new one): whether a demo store needs seeding. */
  async hourlyRowCount(): Promise<number> {
    return this.withConnection(async (c) =>
      Number((await c.runAndReadAll('SELECT COUNT(*) FROM insights_hourly')).getRows()[0]![0]),
    );
  }

  async freshness(workspaceId: string, platforms: readonly Platform[]) {
    const reader = await this.withConnection((c) =>
      c.runAndReadAll(
        `SELECT platform, strftime(MAX(ts), '%Y-%m-%dT%H:%M:%SZ') FROM insights_platform_hourly
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

  /** The rows and their rollup in one transaction, so a reader never sees one without the other. */
  async insertHourly(rows: readonly HourlyInsight[]): Promise<void> {
    const money = (text: string) =>
      decimalValue(parseDecimal(text, MICRO_DIGITS), 18, MICRO_DIGITS);
    await this.inTransaction(async (c) => {
      // A temporary table belongs to this connection alone, which lives as long as this call.
      await c.run('CREATE TEMP TABLE hourly_batch AS FROM insights_hourly LIMIT 0');
      const appender = await c.createAppender('hourly_batch', 'main', 'temp');
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
      await c.run('INSERT INTO insights_hourly FROM hourly_batch');
      for (const rollup of ROLLUPS) await c.run(upsertInto(rollup, 'hourly_batch'));
    });
  }

  async replaceFxRates(rates: readonly FxRate[], source: string): Promise<void> {
    await this.inTransaction(async (c) => {
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
    });
  }

  async close(): Promise<void> {
    this.instance.closeSync();
  }
}
