import {
  type CalendarDate,
  type ClaimCheckRow,
  type CsvLayout,
  type Dimension,
  type ExportRowsTrailer,
  type Platform,
} from '@wevion/shared';
import type { CurrencyConverter } from './currency-converter.ts';
import type { RowGroup } from './insight-group.ts';
import { minorToDecimal } from './exact-money.ts';
import { addInto, emptySums, ratioInputs, type Sums } from './metrics.ts';
import { RunningTotalRounding } from './running-total.ts';

/**
 * What identifies one row of the file: a group's layout dimensions (account with its currency).
 * The store leaves the dimensions a layout lacks null, so a row's first group is its key.
 */
interface RowKey extends Pick<RowGroup, 'period' | 'platform' | 'account_id' | 'campaign_id'> {
  /** The account's currency; a grid row's that had no data has none. */
  currency: string | null;
}

interface KeyedSums {
  key: RowKey;
  campaignName: string | null;
  sums: Sums;
}

export interface ExportRowsContext {
  layout: CsvLayout;
  /** Platforms in the order the request named them: the order of a date × platform grid. */
  platforms: readonly Platform[];
  /** The row periods of the report in order (`periodStart` of each local date, deduplicated). */
  periods: readonly (CalendarDate | null)[];
  converter: CurrencyConverter;
  minorUnits: number;
}

/** Which dimensions a layout has, looked up once rather than per row. */
function dimensionsOf({ dimensions }: CsvLayout) {
  return {
    date: dimensions.includes('date'),
    platform: dimensions.includes('platform'),
    account: dimensions.includes('account'),
    campaign: dimensions.includes('campaign'),
  };
}

/** Whether two groups are one row; a layout without accounts ignores the groups' currencies. */
const sameKey = (a: RowKey, b: RowKey, byAccount: boolean) =>
  a.period === b.period &&
  a.platform === b.platform &&
  a.account_id === b.account_id &&
  (!byAccount || a.currency === b.currency) &&
  a.campaign_id === b.campaign_id;

/**
 * Store groups arrive sorted by row key (then date), in batches: consecutive groups with one key
 * are one row, converted at each group's own date rate, even when a batch boundary falls inside
 * the row. A campaign is named as on its latest date in the row. Yields the rows a batch
 * completed.
 */
async function* mergeAdjacent(
  batches: AsyncIterable<readonly RowGroup[]>,
  context: ExportRowsContext,
): AsyncGenerator<KeyedSums[]> {
  const { account } = dimensionsOf(context.layout);
  let current: KeyedSums | null = null;
  for await (const groups of batches) {
    const completed: KeyedSums[] = [];
    for (const group of groups) {
      if (current && !sameKey(current.key, group, account)) {
        completed.push(current);
        current = null;
      }
      // A row's first group starts its sums (toTarget returns a fresh object): most rows of a
      // daily file are one group, and this spares five bigint additions to zero each.
      const converted = context.converter.toTarget(group);
      if (current) addInto(current.sums, converted);
      else current = { key: group, campaignName: null, sums: converted };
      if (group.campaign_name !== null) current.campaignName = group.campaign_name;
    }
    if (completed.length) yield completed;
  }
  if (current) yield [current];
}

/**
 * Files keyed by date and platform alone are a complete grid, as the spec's file always was:
 * every period for every platform that has data in the report, zero where a day had none.
 * Such a file has at most 90 × 8 rows, so it is gathered before it is ordered.
 */
async function* completeGrid(
  batches: AsyncIterable<KeyedSums[]>,
  context: ExportRowsContext,
): AsyncGenerator<KeyedSums[]> {
  const byKey = new Map<string, KeyedSums>();
  const withData = new Set<Platform>();
  for await (const rows of batches) {
    for (const row of rows) {
      byKey.set(`${row.key.period}|${row.key.platform}`, row);
      if (row.key.platform) withData.add(row.key.platform);
    }
  }
  if (byKey.size === 0) return;
  const { dimensions } = context.layout;
  const platforms = dimensions.includes('platform')
    ? context.platforms.filter((p) => withData.has(p))
    : [null];
  const periods = dimensions.includes('date') ? context.periods : [null];
  const keys =
    dimensions[0] === 'platform'
      ? platforms.flatMap((platform) => periods.map((period) => ({ period, platform })))
      : periods.flatMap((period) => platforms.map((platform) => ({ period, platform })));
  yield keys.map(
    ({ period, platform }) =>
      byKey.get(`${period}|${platform}`) ?? {
        key: { period, platform, account_id: null, currency: null, campaign_id: null },
        campaignName: null,
        sums: emptySums(),
      },
  );
}

/** A layout keyed by date and platform alone: a small complete grid, no campaign or account. */
export const isDatePlatformGrid = (dimensions: readonly Dimension[]) =>
  dimensions.every((d) => d === 'date' || d === 'platform');

/**
 * The rows of a CSV export, in file order and in batches, from the store's sorted groups: exact
 * sums per row, money rounded by the running-total rule (so each money column adds up to the
 * report total), and the unrounded money the reader derives the ratios from. Holds one batch at
 * a time, except for the small date × platform grid. Returns the money columns' sums, which are
 * the report totals rounded once.
 */
export async function* exportRows(
  groups: AsyncIterable<readonly RowGroup[]>,
  context: ExportRowsContext,
): AsyncGenerator<ClaimCheckRow[], ExportRowsTrailer['totals']> {
  const { layout, minorUnits } = context;
  const spend = new RunningTotalRounding(minorUnits);
  const value = new RunningTotalRounding(minorUnits);
  const merged = mergeAdjacent(groups, context);
  const { date, platform, account, campaign } = dimensionsOf(layout);
  for await (const batch of isDatePlatformGrid(layout.dimensions)
    ? completeGrid(merged, context)
    : merged) {
    yield batch.map(({ key, campaignName, sums }) => {
      const inputs = ratioInputs(sums);
      const row: ClaimCheckRow = {
        spend: minorToDecimal(spend.next(sums.spend), minorUnits),
        impressions: inputs.impressions,
        clicks: inputs.clicks,
        conversions: inputs.conversions,
        conversion_value: minorToDecimal(value.next(sums.conversion_value), minorUnits),
        spend_unrounded: inputs.spend,
        conversion_value_unrounded: inputs.conversion_value,
      };
      if (date) row.date = key.period;
      if (platform) row.platform = key.platform!;
      if (account) {
        row.account_id = key.account_id!;
        row.account_currency = key.currency!;
      }
      if (campaign) {
        row.campaign_id = key.campaign_id!;
        row.campaign_name = campaignName ?? '';
      }
      return row;
    });
  }
  return {
    spend: minorToDecimal(spend.total, minorUnits),
    conversion_value: minorToDecimal(value.total, minorUnits),
  };
}
