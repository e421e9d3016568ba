/**
 * Exact money arithmetic on bigints. Stores hand us sums as integer micros (10⁻⁶); converted
 * amounts are carried in exact units (10⁻²⁴) of the target currency, so the only rounding that
 * can show in a report is the final one to the currency's minor units.
 */

export const MICRO_DIGITS = 6;
export const EXACT_DIGITS = 24;
export const RATE_DIGITS = 10;

/** Exact units per micro: a conversion factor of this is the identity. */
const FACTOR_SCALE = 10n ** BigInt(EXACT_DIGITS - MICRO_DIGITS);

/** Parses a plain decimal string ("-12.5", "163.45") into an integer scaled by 10^digits. */
export function parseDecimal(text: string, digits: number): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.replace(/0+$/, '').length > digits) {
    throw new RangeError(`${text} has more than ${digits} decimal places`);
  }
  const scaled = BigInt(whole! + fraction.padEnd(digits, '0').slice(0, digits));
  return sign ? -scaled : scaled;
}

/**
 * n / d rounded half to even (banker's rounding); d must be positive. It runs twice per exported
 * row, so the remainder comes from the quotient (a multiplication) rather than a second division,
 * and parity from a bit: a third less time than `%` twice.
 */
export function divRoundHalfEven(n: bigint, d: bigint): bigint {
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  const remainder = abs - q * d;
  const twiceRemainder = remainder + remainder;
  if (twiceRemainder > d || (twiceRemainder === d && (q & 1n) === 1n)) q += 1n;
  return negative ? -q : q;
}

export const IDENTITY_FACTOR = FACTOR_SCALE;

/**
 * Exact target units per source micro through EUR-based rates (units per 1 EUR, scaled by
 * 10^RATE_DIGITS): target rate / source rate, to 18 decimals, rounded half-even once per rate
 * pair and day. Converting is then a multiplication, so it is linear: the converted sums of any
 * grouping of the same rows (per campaign, per platform, per day) add up to the same exact total.
 */
export function conversionFactor(sourceRate: bigint, targetRate: bigint): bigint {
  return divRoundHalfEven(FACTOR_SCALE * targetRate, sourceRate);
}

/** The one final rounding: exact units to whole minor units, half-even. */
export function exactToMinor(exact: bigint, minorUnits: number): bigint {
  return divRoundHalfEven(exact, 10n ** BigInt(EXACT_DIGITS - minorUnits));
}

/** The final rounding as a number with `minorUnits` decimals. */
export function roundExact(exact: bigint, minorUnits: number): number {
  return Number(exactToMinor(exact, minorUnits)) / 10 ** minorUnits;
}

/** Exact units per 10⁻¹⁸: computed once, as this runs twice for every exported row. */
const EXACT_PER_ATTO = 10n ** BigInt(EXACT_DIGITS - 18);

/** Unrounded value for ratios (cpc, roas…), where double precision is plenty. */
export function exactToNumber(exact: bigint): number {
  // Through 10⁻¹⁸ first: a double of the whole 10⁻²⁴ integer divided by 10²⁴ would show
  // representation noise (10.000000000000002) where the amount is a round number.
  return Number(exact / EXACT_PER_ATTO) / 1e18;
}

export function microsToNumber(micros: bigint): number {
  return Number(micros) / 1e6;
}

/** Whole minor units as a decimal string: 12345n with 2 minor units is "123.45", -5n is "-0.05". */
export function minorToDecimal(minor: bigint, minorUnits: number): string {
  if (minorUnits === 0) return minor.toString();
  const digits = (minor < 0n ? -minor : minor).toString().padStart(minorUnits + 1, '0');
  const sign = minor < 0n ? '-' : '';
  return `${sign}${digits.slice(0, -minorUnits)}.${digits.slice(-minorUnits)}`;
}
