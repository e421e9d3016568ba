import { AppError, ValidationError } from '@wevion/shared';
import assert from 'node:assert/strict';
import { explainCurrency } from '../../src/currency-error.ts';

describe('currency errors', () => {
  it('when a currency has no rates in this store, then the error says so and lists the ones that do', () => {
    const refused = new ValidationError(
      'invalid_field',
      '"target_currency" must be a supported currency: EUR, USD',
      'target_currency',
    );
    const explained = explainCurrency(refused, 'ZAR', ['EUR', 'USD']);
    assert.equal(explained.code, 'currency_without_rates');
    assert.equal(
      explained.message,
      'No exchange rates for ZAR are loaded, so amounts cannot be converted to it. Choose one of EUR, USD.',
    );
    assert.equal(explained.field, 'target_currency');
  });

  it('when another field is at fault, then the error passes through unchanged', () => {
    const other = new AppError('date_range_too_long', 'too long', { status: 400, field: 'until' });
    assert.equal(explainCurrency(other, 'ZAR', ['EUR']), other);
  });
});
