/**
 * Exact money arithmetic on bigints. Stores hand us sums as integer micros (10⁻⁶); converted
 * amounts are carried as atto-units (10⁻¹⁸) of the target currency, so the only rounding that can
 * show in a report is the final half-even one to the currency's minor units.
 */

export const MICRO_DIGITS = 6;
export const ATTO_DIGITS = 18;
export const RATE_DIGITS = 10;

const MICROS_TO_ATTO = 10n ** BigInt(ATTO_DIGITS - MICRO_DIGITS);

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

/** n / d rounded half to even (banker's rounding); d must be positive. */
export function divRoundHalfEven(n: bigint, d: bigint): bigint {
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  const twiceRemainder = (abs % d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

export function microsToAtto(micros: bigint): bigint {
  return micros * MICROS_TO_ATTO;
}

/**
 * Converts micros of a source currency into atto-units of the target through EUR-based rates
 * (units per 1 EUR, scaled by 10^RATE_DIGITS): amount / source rate × target rate.
 */
export function convertMicros(micros: bigint, sourceRate: bigint, targetRate: bigint): bigint {
  return divRoundHalfEven(micros * MICROS_TO_ATTO * targetRate, sourceRate);
}

/** The one final rounding: atto-units to a number with `minorUnits` decimals, half-even. */
export function roundAtto(atto: bigint, minorUnits: number): number {
  const units = divRoundHalfEven(atto, 10n ** BigInt(ATTO_DIGITS - minorUnits));
  return Number(units) / 10 ** minorUnits;
}

/** Unrounded value for ratios (cpc, roas…), where double precision is plenty. */
export function attoToNumber(atto: bigint): number {
  return Number(atto) / 1e18;
}

export function microsToNumber(micros: bigint): number {
  return Number(micros) / 1e6;
}
