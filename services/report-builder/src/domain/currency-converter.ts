import type { CalendarDate, CurrencyNote, FxFallback } from '@wevion/shared';
import { convertMicros, microsToAtto } from './exact-money.ts';
import type { FxTable } from './fx-table.ts';
import type { InsightGroup } from './insight-group.ts';
import type { Sums } from './metrics.ts';

interface NoteBuilder {
  identity: boolean;
  crossRateByDate: Map<CalendarDate, number>;
  fallbacks: Map<string, FxFallback>;
}

/**
 * Converts store groups into exact target-currency sums at each group's local-date rate, and
 * remembers every rate and fallback it used so the report can disclose them.
 */
export class CurrencyConverter {
  private readonly notes = new Map<string, NoteBuilder>();

  constructor(
    private readonly fx: FxTable,
    private readonly target: string,
  ) {}

  toTarget(group: InsightGroup): Sums {
    const note = this.noteFor(group.currency);
    if (group.currency === this.target) {
      note.crossRateByDate.set(group.date, 1);
      return {
        spend: microsToAtto(group.spend_micros),
        impressions: group.impressions,
        clicks: group.clicks,
        conversions: group.conversions_micros,
        conversion_value: microsToAtto(group.conversion_value_micros),
      };
    }
    const source = this.fx.rateOn(group.currency, group.date);
    const target = this.fx.rateOn(this.target, group.date);
    if (!note.crossRateByDate.has(group.date)) {
      note.crossRateByDate.set(group.date, Number(target.rate) / Number(source.rate));
      for (const [currency, applied] of [
        [group.currency, source],
        [this.target, target],
      ] as const) {
        if (applied.rateDate !== group.date) {
          note.fallbacks.set(`${currency}|${group.date}`, {
            currency,
            date: group.date,
            rate_date: applied.rateDate,
          });
        }
      }
    }
    return {
      spend: convertMicros(group.spend_micros, source.rate, target.rate),
      impressions: group.impressions,
      clicks: group.clicks,
      conversions: group.conversions_micros,
      conversion_value: convertMicros(group.conversion_value_micros, source.rate, target.rate),
    };
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
