import type { CalendarDate, CurrencyNote, FxFallback } from '@wevion/shared';
import { conversionFactor, IDENTITY_FACTOR } from './exact-money.ts';
import type { FxTable } from './fx-table.ts';
import type { InsightGroup } from './insight-group.ts';
import type { Sums } from './metrics.ts';

interface NoteBuilder {
  identity: boolean;
  crossRateByDate: Map<CalendarDate, number>;
  fallbacks: Map<string, FxFallback>;
}

/** What conversion reads of a store group: its local date, currency and sums. */
export type ConvertibleGroup = Pick<
  InsightGroup,
  | 'date'
  | 'currency'
  | 'spend_micros'
  | 'impressions'
  | 'clicks'
  | 'conversions_micros'
  | 'conversion_value_micros'
>;

/**
 * Converts store groups into exact target-currency sums at each group's local-date rate, and
 * remembers every rate and fallback it used so the report can disclose them.
 */
export class CurrencyConverter {
  private readonly notes = new Map<string, NoteBuilder>();
  /** Per currency, per date: no key string to build for each of 180,000 groups. */
  private readonly factors = new Map<string, Map<CalendarDate, bigint>>();

  constructor(
    private readonly fx: FxTable,
    private readonly target: string,
  ) {}

  toTarget(group: ConvertibleGroup): Sums {
    const factor = this.factorFor(group.currency, group.date);
    return {
      spend: group.spend_micros * factor,
      impressions: group.impressions,
      clicks: group.clicks,
      conversions: group.conversions_micros,
      conversion_value: group.conversion_value_micros * factor,
    };
  }

  /** Target exact units per source micro on a local date; notes the rate and any fallback once. */
  private factorFor(currency: string, date: CalendarDate): bigint {
    let byDate = this.factors.get(currency);
    if (!byDate) this.factors.set(currency, (byDate = new Map()));
    let factor = byDate.get(date);
    if (factor !== undefined) return factor;
    const note = this.noteFor(currency);
    if (currency === this.target) {
      note.crossRateByDate.set(date, 1);
      factor = IDENTITY_FACTOR;
    } else {
      const source = this.fx.rateOn(currency, date);
      const target = this.fx.rateOn(this.target, date);
      note.crossRateByDate.set(date, Number(target.rate) / Number(source.rate));
      for (const [rated, applied] of [
        [currency, source],
        [this.target, target],
      ] as const) {
        if (applied.rateDate !== date) {
          note.fallbacks.set(`${rated}|${date}`, {
            currency: rated,
            date,
            rate_date: applied.rateDate,
          });
        }
      }
      factor = conversionFactor(source.rate, target.rate);
    }
    byDate.set(date, factor);
    return factor;
  }

  currencyNotes(): CurrencyNote[] {
    return [...this.notes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, note]) => {
        const rates = [...note.crossRateByDate.values()];
        return {
          currency,
          identity: note.identity,
          rate_min: Math.min(...rates),
          rate_max: Math.max(...rates),
          rate_avg: rates.reduce((sum, r) => sum + r, 0) / rates.length,
          days_converted: rates.length,
          fallbacks: [...note.fallbacks.values()].sort((a, b) =>
            a.date === b.date ? a.currency.localeCompare(b.currency) : a.date < b.date ? -1 : 1,
          ),
        };
      });
  }

  private noteFor(currency: string): NoteBuilder {
    let note = this.notes.get(currency);
    if (!note) {
      note = {
        identity: currency === this.target,
        crossRateByDate: new Map(),
        fallbacks: new Map(),
      };
      this.notes.set(currency, note);
    }
    return note;
  }
}
