import { FX_BASE_CURRENCY, type CalendarDate, type Dimension, type Platform } from '@wevion/shared';
import mongoose, { Schema, type Connection } from 'mongoose';
import type { FxRate, InsightGroup, RowGroup } from '../domain/insight-group.ts';
import { rollUpByDay, topCampaignDetail } from '../domain/campaign-ranking.ts';
import type { LocalDay } from '../domain/local-days.ts';
import type {
  AggregateRequest,
  AggregateResult,
  ExportGroupsRequest,
  HourlyInsight,
  InsightsStore,
} from '../ports.ts';

const { Decimal128 } = mongoose.Types;

/**
 * Hourly insights in a MongoDB time-series collection: the series key (`meta`) is the campaign,
 * money is Decimal128 so `$sum` stays exact, and local dates come from `$dateToString` with the
 * report's time zone.
 */
const insightSchema = new Schema(
  {
    ts: { type: Date, required: true },
    meta: {
      workspace_id: String,
      platform: String,
      account_id: String,
      campaign_id: String,
      campaign_name: String,
      currency: String,
    },
    spend: Schema.Types.Decimal128,
    impressions: Number,
    clicks: Number,
    conversions: Schema.Types.Decimal128,
    conversion_value: Schema.Types.Decimal128,
  },
  {
    collection: 'insights_hourly',
    timeseries: { timeField: 'ts', metaField: 'meta', granularity: 'hours' },
    versionKey: false,
  },
);

const fxRateSchema = new Schema(
  { date: String, currency: String, rate: Schema.Types.Decimal128 },
  { collection: 'fx_rates', versionKey: false },
);
fxRateSchema.index({ currency: 1, date: 1 }, { unique: true });

const metadataSchema = new Schema(
  { _id: String, value: String },
  { collection: 'store_metadata', versionKey: false },
);

/** Exact integer micros of a Decimal128 sum, as a string so no double ever holds it. */
const microsOf = (field: string) => ({ $toString: { $toLong: { $multiply: [field, 1_000_000] } } });
const integerOf = (field: string) => ({ $toString: { $toLong: field } });

/** The hours of a request's days for its workspace and platforms (every aggregation starts here). */
const matchHours = (
  workspaceId: string,
  platforms: readonly Platform[],
  days: readonly LocalDay[],
) => ({
  $match: {
    'meta.workspace_id': workspaceId,
    'meta.platform': { $in: [...platforms] },
    ts: { $gte: days[0]!.startsAt, $lt: days[days.length - 1]!.endsAt },
  },
});

/** The summed measures of a `$group`, then the same as exact integer strings for `$project`. */
const SUMS = {
  spend: { $sum: '$spend' },
  impressions: { $sum: '$impressions' },
  clicks: { $sum: '$clicks' },
  conversions: { $sum: '$conversions' },
  conversion_value: { $sum: '$conversion_value' },
};
const SUMS_AS_INTEGERS = {
  spend: microsOf('$spend'),
  impressions: integerOf('$impressions'),
  clicks: integerOf('$clicks'),
  conversions: microsOf('$conversions'),
  conversion_value: microsOf('$conversion_value'),
};

/** Groups per cursor batch of a CSV export: a few hundred KB per round trip, whatever the result. */
const EXPORT_BATCH_SIZE = 2_000;

export class MongoInsightsStore implements InsightsStore {
  private readonly insights;
  private readonly fx;
  private readonly metadata;

  private constructor(private readonly connection: Connection) {
    this.insights = connection.model('InsightHourly', insightSchema);
    this.fx = connection.model('FxRate', fxRateSchema);
    this.metadata = connection.model('StoreMetadata', metadataSchema);
  }

  static async connect(uri: string): Promise<MongoInsightsStore> {
    const connection = await mongoose.createConnection(uri).asPromise();
    const store = new MongoInsightsStore(connection);
    await Promise.all([store.insights.createCollection(), store.fx.syncIndexes()]);
    await store.insights.collection.createIndex({
      'meta.workspace_id': 1,
      'meta.platform': 1,
      ts: 1,
    });
    return store;
  }

  async aggregate({
    workspaceId,
    platforms,
    timezone,
    days,
    campaigns,
  }: AggregateRequest): Promise<AggregateResult> {
    if (days.length === 0 || platforms.length === 0) return { groups: [], campaignGroups: [] };
    const byCampaign = campaigns.kind !== 'none';
    const groups = await this.insights
      .aggregate<{
        _id: {
          date: string;
          platform: Platform;
          campaign_id: string | null;
          campaign_name: string | null;
          currency: string;
        };
        spend: string;
        impressions: string;
        clicks: string;
        conversions: string;
        conversion_value: string;
        row_count: number;
      }>([
        matchHours(workspaceId, platforms, days),
        {
          $group: {
            _id: {
              date: { $dateToString: { format: '%Y-%m-%d', date: '$ts', timezone } },
              platform: '$meta.platform',
              campaign_id: byCampaign ? '$meta.campaign_id' : null,
              campaign_name: byCampaign ? '$meta.campaign_name' : null,
              currency: '$meta.currency',
            },
            ...SUMS,
            row_count: { $sum: 1 },
          },
        },
        {
          $project: {
            ...SUMS_AS_INTEGERS,
            row_count: 1,
          },
        },
      ])
      // A 90-day, 8-platform report groups millions of hours: let the server spill rather than
      // fail at its 100 MB per-stage limit.
      .allowDiskUse(true);
    const detail: InsightGroup[] = groups.map((g) => ({
      ...g._id,
      spend_micros: BigInt(g.spend),
      impressions: BigInt(g.impressions),
      clicks: BigInt(g.clicks),
      conversions_micros: BigInt(g.conversions),
      conversion_value_micros: BigInt(g.conversion_value),
      row_count: g.row_count,
    }));
    if (!byCampaign) return { groups: detail, campaignGroups: [] };
    return {
      groups: rollUpByDay(detail),
      campaignGroups: topCampaignDetail(detail, campaigns.weights, campaigns.limit),
    };
  }

  /**
   * The aggregation cursor streams the sorted groups in batches; `allowDiskUse` lets the server
   * spill the group and sort stages instead of failing on a large export.
   */
  async *exportGroups({
    workspaceId,
    platforms,
    timezone,
    days,
    dimensions,
    periodOf,
  }: ExportGroupsRequest): AsyncGenerator<RowGroup[]> {
    if (days.length === 0 || platforms.length === 0) return;
    const has = (d: Dimension) => dimensions.includes(d);
    const dates = days.map((d) => d.date);
    const periods = dates.map((date) => periodOf.get(date) ?? null);
    const sortKeys: Record<string, 1> = {};
    for (const d of dimensions) {
      if (d === 'date') sortKeys['_id.period'] = 1;
      if (d === 'platform') sortKeys['_id.platform_position'] = 1;
      if (d === 'account') Object.assign(sortKeys, { '_id.account_id': 1, '_id.currency': 1 });
      if (d === 'campaign') sortKeys['_id.campaign_id'] = 1;
    }
    const cursor = this.insights
      .aggregate<{
        _id: {
          period: string | null;
          platform: Platform | null;
          account_id: string | null;
          campaign_id: string | null;
          day: string;
          currency: string;
        };
        campaign_name: string | null;
        spend: string;
        impressions: string;
        clicks: string;
        conversions: string;
        conversion_value: string;
      }>([
        matchHours(workspaceId, platforms, days),
        { $set: { day: { $dateToString: { format: '%Y-%m-%d', date: '$ts', timezone } } } },
        {
          $group: {
            _id: {
              period: has('date')
                ? { $arrayElemAt: [{ $literal: periods }, { $indexOfArray: [dates, '$day'] }] }
                : null,
              platform: has('platform') ? '$meta.platform' : null,
              platform_position: has('platform')
                ? { $indexOfArray: [[...platforms], '$meta.platform'] }
                : null,
              account_id: has('account') ? '$meta.account_id' : null,
              campaign_id: has('campaign') ? '$meta.campaign_id' : null,
              day: '$day',
              currency: '$meta.currency',
            },
            campaign_name: has('campaign')
              ? { $bottom: { sortBy: { ts: 1 }, output: '$meta.campaign_name' } }
              : { $first: null },
            ...SUMS,
          },
        },
        { $sort: { ...sortKeys, '_id.day': 1, '_id.currency': 1 } },
        {
          $project: {
            campaign_name: 1,
            ...SUMS_AS_INTEGERS,
          },
        },
      ])
      .allowDiskUse(true)
      .cursor({ batchSize: EXPORT_BATCH_SIZE });
    try {
      let batch: RowGroup[] = [];
      for await (const g of cursor) {
        batch.push({
          period: g._id.period,
          platform: g._id.platform,
          account_id: g._id.account_id,
          campaign_id: g._id.campaign_id,
          campaign_name: g.campaign_name,
          date: g._id.day,
          currency: g._id.currency,
          spend_micros: BigInt(g.spend),
          impressions: BigInt(g.impressions),
          clicks: BigInt(g.clicks),
          conversions_micros: BigInt(g.conversions),
          conversion_value_micros: BigInt(g.conversion_value),
        });
        if (batch.length === EXPORT_BATCH_SIZE) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      await cursor.close();
    }
  }

  async freshness(workspaceId: string, platforms: readonly Platform[]) {
    const latest = await this.insights.aggregate<{ _id: string; latest: Date }>([
      { $match: { 'meta.workspace_id': workspaceId, 'meta.platform': { $in: [...platforms] } } },
      { $group: { _id: '$meta.platform', latest: { $max: '$ts' } } },
    ]);
    const byPlatform = new Map(
      latest.map((l) => [l._id, l.latest.toISOString().replace('.000Z', 'Z')]),
    );
    return platforms.map((platform) => ({ platform, latest_ts: byPlatform.get(platform) ?? null }));
  }

  async fxRates(
    currencies: readonly string[],
    from: CalendarDate,
    until: CalendarDate,
  ): Promise<FxRate[]> {
    const [inWindow, before] = await Promise.all([
      this.fx
        .find({ currency: { $in: [...currencies] }, date: { $gte: from, $lte: until } })
        .lean(),
      this.fx.aggregate<{ _id: string; date: string; rate: mongoose.Types.Decimal128 }>([
        { $match: { currency: { $in: [...currencies] }, date: { $lt: from } } },
        { $sort: { date: -1 } },
        { $group: { _id: '$currency', date: { $first: '$date' }, rate: { $first: '$rate' } } },
      ]),
    ]);
    return [
      ...inWindow.map((r) => ({ date: r.date!, currency: r.currency!, rate: r.rate!.toString() })),
      ...before.map((r) => ({ date: r.date, currency: r._id, rate: r.rate.toString() })),
    ];
  }

  async fxCurrencies(): Promise<string[]> {
    const currencies = new Set<string>(await this.fx.distinct('currency'));
    currencies.add(FX_BASE_CURRENCY);
    return [...currencies].sort();
  }

  async fxSource(): Promise<string> {
    return (await this.metadata.findById('fx_source').lean())?.value ?? 'unknown';
  }

  async insertHourly(rows: readonly HourlyInsight[]): Promise<void> {
    await this.insights.insertMany(
      rows.map((r) => ({
        ts: r.ts,
        meta: {
          workspace_id: r.workspace_id,
          platform: r.platform,
          account_id: r.account_id,
          campaign_id: r.campaign_id,
          campaign_name: r.campaign_name,
          currency: r.currency,
        },
        spend: Decimal128.fromString(r.spend),
        impressions: r.impressions,
        clicks: r.clicks,
        conversions: Decimal128.fromString(r.conversions),
        conversion_value: Decimal128.fromString(r.conversion_value),
      })),
      { ordered: false },
    );
  }

  async replaceFxRates(rates: readonly FxRate[], source: string): Promise<void> {
    await this.fx.deleteMany({});
    await this.fx.insertMany(
      rates.map((r) => ({
        date: r.date,
        currency: r.currency,
        rate: Decimal128.fromString(r.rate),
      })),
    );
    await this.metadata.updateOne({ _id: 'fx_source' }, { value: source }, { upsert: true });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
