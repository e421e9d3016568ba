import {
  type CalendarDate,
  type CampaignLine,
  type ClaimCheckField,
  type CsvLayout,
  type Dimension,
  type ExportRowsTrailer,
  type Platform,
  type RowValues,
} from '@wevion/shared';
import type { CurrencyConverter } from './currency-converter.ts';
import type { RowGroup } from './insight-group.ts';
import { CampaignPairs } from './campaign-pairs.ts';
import { exactToNumber, microsToNumber, minorToDecimal } from './exact-money.ts';
import { addInto, emptySums, type Sums } from './metrics.ts';
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
  /** What a claim-check line holds, in order (`claimCheckFields` of the layout). */
  fields: readonly ClaimCheckField[];
}

/** Where each value of a row goes on a line of `fields`; -1 for one the line does not carry. */
function lineSlots(fields: readonly ClaimCheckField[]) {
  const at = (field: ClaimCheckField) => fields.indexOf(field);
  return {
    date: at('date'),
    platform: at('platform'),
    account: at('account_id'),
    currency: at('account_currency'),
    campaign: at('campaign'),
    spend: at('spend'),
    impressions: at('impressions'),
    clicks: at('clicks'),
    conversions: at('conversions'),
    value: at('conversion_value'),
    spendUnrounded: at('spend_unrounded'),
    valueUnrounded: at('conversion_value_unrounded'),
  };
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
 * report total), and the unrounded money the reader derives the ratios from. Each row is the
 * values of a claim-check line, in `fields` order (an object per row, then an array of its
 * values, cost a tenth of the encoding), a campaign's line before its first row. Holds one
 * batch at a time, except for the small date × platform grid. Returns the money columns' sums,
 * which are the report totals rounded once.
 */
export async function* exportRows(
  groups: AsyncIterable<readonly RowGroup[]>,
  context: ExportRowsContext,
): AsyncGenerator<(RowValues | CampaignLine)[], ExportRowsTrailer['totals']> {
  const { layout, minorUnits, fields } = context;
  const spend = new RunningTotalRounding(minorUnits);
  const value = new RunningTotalRounding(minorUnits);
  const merged = mergeAdjacent(groups, context);
  const slot = lineSlots(fields);
  // Each pair is named on a campaign line before its first row.
  const campaigns = new CampaignPairs();
  for await (const batch of isDatePlatformGrid(layout.dimensions)
    ? completeGrid(merged, context)
    : merged) {
    const lines: (RowValues | CampaignLine)[] = [];
    for (const { key, campaignName, sums } of batch) {
      // Both running totals see every row, whether or not the line shows its money.
      const spendCell = minorToDecimal(spend.next(sums.spend), minorUnits);
      const valueCell = minorToDecimal(value.next(sums.conversion_value), minorUnits);
      const line = new Array<unknown>(fields.length);
      if (slot.date >= 0) line[slot.date] = key.period;
      if (slot.platform >= 0) line[slot.platform] = key.platform;
      if (slot.account >= 0) line[slot.account] = key.account_id;
      if (slot.currency >= 0) line[slot.currency] = key.currency;
      if (slot.campaign >= 0) {
        const id = key.campaign_id!;
        const name = campaignName ?? '';
        const named = campaigns.size;
        const ref = campaigns.add(id, name);
        if (ref === named) lines.push({ type: 'campaign', ref, id, name });
        line[slot.campaign] = ref;
      }
      if (slot.spend >= 0) line[slot.spend] = spendCell;
      if (slot.impressions >= 0) line[slot.impressions] = Number(sums.impressions);
      if (slot.clicks >= 0) line[slot.clicks] = Number(sums.clicks);
      if (slot.conversions >= 0) line[slot.conversions] = microsToNumber(sums.conversions);
      if (slot.value >= 0) line[slot.value] = valueCell;
      // The ratios' inputs as `ratioInputs` gives them.
      if (slot.spendUnrounded >= 0) line[slot.spendUnrounded] = exactToNumber(sums.spend);
      if (slot.valueUnrounded >= 0)
        line[slot.valueUnrounded] = exactToNumber(sums.conversion_value);
      lines.push(line);
    }
    yield lines;
  }
  return {
    spend: minorToDecimal(spend.total, minorUnits),
    conversion_value: minorToDecimal(value.total, minorUnits),
  };
}
