import assert from 'node:assert/strict';
import {
  convertMicros,
  divRoundHalfEven,
  parseDecimal,
  roundAtto,
} from '../src/domain/exact-money.ts';

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
    const atto = (text: string) => parseDecimal(text, 18);
    assert.equal(roundAtto(atto('199.752'), 0), 200);
    assert.equal(roundAtto(atto('2.5'), 0), 2);
    assert.equal(roundAtto(atto('3.5'), 0), 4);
    assert.equal(roundAtto(atto('50.005'), 2), 50);
    assert.equal(roundAtto(atto('50.015'), 2), 50.02);
    assert.equal(roundAtto(atto('0.0049999'), 2), 0);
  });

  it('when USD is converted to EUR through EUR-based rates, then 54.25 USD at 1.085 is exactly 50 EUR', () => {
    const usdRate = parseDecimal('1.085', 10);
    const eurRate = parseDecimal('1', 10);
    assert.equal(convertMicros(54_250_000n, usdRate, eurRate), parseDecimal('50', 18));
  });
});
