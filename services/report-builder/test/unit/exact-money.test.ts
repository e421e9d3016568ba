import assert from 'node:assert/strict';
import {
  conversionFactor,
  divRoundHalfEven,
  minorToDecimal,
  parseDecimal,
  roundExact,
} from '../../src/domain/exact-money.ts';

describe('exact money', () => {
  it('when a decimal string is parsed, then it is scaled exactly', () => {
    assert.equal(parseDecimal('1234567.891234', 6), 1_234_567_891_234n);
    assert.equal(parseDecimal('-0.5', 6), -500_000n);
    assert.equal(parseDecimal('163.4500000000', 4), 1_634_500n);
    assert.throws(() => parseDecimal('0.0000001', 6), /more than 6 decimal places/);
    assert.throws(() => parseDecimal('1e5', 6), /not a decimal number/);
  });

  it('when a quotient is exactly half-way, then it rounds to the even neighbour', () => {
    assert.equal(divRoundHalfEven(25n, 10n), 2n);
    assert.equal(divRoundHalfEven(35n, 10n), 4n);
    assert.equal(divRoundHalfEven(-25n, 10n), -2n);
    assert.equal(divRoundHalfEven(26n, 10n), 3n);
    assert.equal(divRoundHalfEven(24n, 10n), 2n);
  });

  it('when money is rounded to minor units, then JPY has none and EUR has two, half-even', () => {
    const exact = (text: string) => parseDecimal(text, 24);
    assert.equal(roundExact(exact('199.752'), 0), 200);
    assert.equal(roundExact(exact('2.5'), 0), 2);
    assert.equal(roundExact(exact('3.5'), 0), 4);
    assert.equal(roundExact(exact('50.005'), 2), 50);
    assert.equal(roundExact(exact('50.015'), 2), 50.02);
    assert.equal(roundExact(exact('0.0049999'), 2), 0);
  });

  it('when USD is converted to EUR through EUR-based rates, then 54.25 USD at 1.085 is 50 EUR to 18 decimals', () => {
    const factor = conversionFactor(parseDecimal('1.085', 10), parseDecimal('1', 10));
    const converted = 54_250_000n * factor;
    assert.ok(converted - parseDecimal('50', 24) < 10n ** 6n, 'within 10⁻¹⁸ EUR');
    assert.equal(roundExact(converted, 2), 50);
  });

  it('when parts are converted apart, then they add up to the whole converted at once (linear)', () => {
    const factor = conversionFactor(parseDecimal('0.8573', 10), parseDecimal('1.1702', 10));
    const parts = [1_234_567n, 89n, 10_000_001n, 3n];
    const whole = parts.reduce((a, b) => a + b, 0n);
    assert.equal(
      parts.reduce((sum, micros) => sum + micros * factor, 0n),
      whole * factor,
    );
  });

  it('when minor units are written out, then they are exact decimals with a sign', () => {
    assert.equal(minorToDecimal(12_345n, 2), '123.45');
    assert.equal(minorToDecimal(-5n, 2), '-0.05');
    assert.equal(minorToDecimal(0n, 2), '0.00');
    assert.equal(minorToDecimal(16_240n, 0), '16240');
    assert.equal(minorToDecimal(7n, 3), '0.007');
  });
});
