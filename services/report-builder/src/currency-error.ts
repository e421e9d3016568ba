import { AppError } from '@wevion/shared';

/**
 * The API accepts every ECB currency; this deployment may hold rates for fewer of them. A query
 * refused for its currency gets an error that says so in the user's terms.
 */
export function explainCurrency(
  error: AppError,
  currency: unknown,
  currencies: readonly string[],
): AppError {
  if (error.field !== 'target_currency') return error;
  return new AppError(
    'currency_without_rates',
    `No exchange rates for ${String(currency)} are loaded, so amounts cannot be converted to it. Choose one of ${currencies.join(', ')}.`,
    { status: 422, field: 'target_currency' },
  );
}
