/** ECB reference rates are quoted as units of currency per 1 EUR, so EUR is always 1. */
export const FX_BASE_CURRENCY = 'EUR';

const minorUnitsCache = new Map<string, number>();

/**
 * Decimal places of a currency's minor unit (EUR 2, JPY 0, KWD 3), taken from the ICU data that
 * ships with Node so the table never drifts from what `Intl` prints.
 */
export function minorUnits(currency: string): number {
  let digits = minorUnitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits!;
    minorUnitsCache.set(currency, digits);
  }
  return digits;
}

/** The euro and the currencies the ECB publishes daily reference rates for (2026 list). */
export const ECB_REFERENCE_CURRENCIES = [
  'EUR',
  'AUD',
  'BRL',
  'CAD',
  'CHF',
  'CNY',
  'CZK',
  'DKK',
  'GBP',
  'HKD',
  'HUF',
  'IDR',
  'ILS',
  'INR',
  'ISK',
  'JPY',
  'KRW',
  'MXN',
  'MYR',
  'NOK',
  'NZD',
  'PHP',
  'PLN',
  'RON',
  'SEK',
  'SGD',
  'THB',
  'TRY',
  'USD',
  'ZAR',
] as const;
