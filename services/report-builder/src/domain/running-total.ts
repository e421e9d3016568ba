import { divRoundHalfEven, EXACT_DIGITS } from './exact-money.ts';

/**
 * Sum-preserving rounding for a column of money (docs/architecture.md, "Totals that foot"):
 * each cell is the rounded running total through its row minus the rounded running total
 * through the row before. The cells add up to the rounded grand total exactly, each stays
 * within one minor unit of its exact value, a row with nothing stays 0, and the same rows in
 * the same order always round the same way. It needs one running sum, so it streams.
 */
export class RunningTotalRounding {
  private exactTotal = 0n;
  private roundedTotal = 0n;
  private readonly unit: bigint;

  constructor(minorUnits: number) {
    this.unit = 10n ** BigInt(EXACT_DIGITS - minorUnits);
  }

  /** The next cell, in whole minor units, for a row whose exact amount is `exact`. */
  next(exact: bigint): bigint {
    this.exactTotal += exact;
    const rounded = divRoundHalfEven(this.exactTotal, this.unit);
    const cell = rounded - this.roundedTotal;
    this.roundedTotal = rounded;
    return cell;
  }

  /** Everything so far, rounded once: what the cells add up to. */
  get total(): bigint {
    return this.roundedTotal;
  }
}
