import { AppError, isCalendarDate } from '@wevion/shared';
import type { FxRate } from './insight-group.ts';

/**
 * Parses the ECB historical reference-rate CSV (eurofxref-hist.csv): a `Date,USD,JPY,…` header,
 * one row per publication day, "N/A" where a currency had no rate, often a trailing comma.
 */
export function parseEcbCsv(text: string): FxRate[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split(',').map((cell) => cell.trim());
  if (!header || header[0] !== 'Date') {
    throw new AppError('ecb_csv_invalid', 'Line 1 must be the header "Date,USD,JPY,…"', {
      status: 400,
    });
  }
  const currencies = header.slice(1);
  for (const currency of currencies) {
    if (currency !== '' && !/^[A-Z]{3}$/.test(currency)) {
      throw new AppError('ecb_csv_invalid', `Header column "${currency}" is not a currency code`, {
        status: 400,
      });
    }
  }
  const rates: FxRate[] = [];
  lines.slice(1).forEach((line, index) => {
    const cells = line.split(',').map((cell) => cell.trim());
    const date = cells[0]!;
    if (!isCalendarDate(date)) {
      throw new AppError(
        'ecb_csv_invalid',
        `Line ${index + 2}: "${date}" is not a YYYY-MM-DD date`,
        { status: 400 },
      );
    }
    currencies.forEach((currency, i) => {
      const value = cells[i + 1] ?? '';
      if (currency === '' || value === '' || value === 'N/A') return;
      if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) {
        throw new AppError(
          'ecb_csv_invalid',
          `Line ${index + 2}: ${currency} rate "${value}" is not a positive number`,
          {
            status: 400,
          },
        );
      }
      rates.push({ date, currency, rate: value });
    });
  });
  return rates;
}
