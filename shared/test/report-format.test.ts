import assert from 'node:assert/strict';
import { dateTime, describeDays, formatters, humanizeDates } from '../src/report-format.ts';

describe('the report style', () => {
  it('when days are listed for a reader, then whole weekends are counted and other runs collapse', () => {
    const weekends = ['2026-08-01', '2026-08-02', '2026-08-08', '2026-08-09'];
    assert.equal(
      describeDays([...weekends, '2026-08-15', '2026-12-24', '2026-12-25', '2026-12-26']),
      '2 weekends (Sat–Sun), 15 Aug 2026, 24–26 Dec 2026',
    );
    // One weekend is just a run of days; a run across months names both.
    assert.equal(describeDays(['2026-08-01', '2026-08-02']), '1–2 Aug 2026');
    assert.equal(describeDays(['2026-07-31', '2026-08-01']), '31 Jul – 1 Aug 2026');
  });

  it('when the engine’s messages name dates the API’s way, then a document prints them in its style and zone', () => {
    assert.equal(
      humanizeDates(
        'Meta data ends at 2026-11-27T09:00:00Z; no rate for 2026-08-01.',
        'Asia/Tokyo',
      ),
      'Meta data ends at 27 Nov 2026, 18:00; no rate for 1 Aug 2026.',
    );
    assert.equal(dateTime('2026-12-01T23:30:00Z', 'Europe/Berlin'), '2 Dec 2026, 00:30');
  });

  it('when metrics are formatted, then each has its fixed decimals and changes a true minus', () => {
    const f = formatters('EUR');
    assert.equal(f.roas(3), '3.00×');
    assert.equal(f.percent(0.275), '27.50%');
    assert.equal(f.share(0.275), '27.5%');
    assert.equal(f.change(-0.05), '−5.0%');
    assert.equal(f.points(0.0006), '+0.06 pp');
    assert.equal(f.unitCost(0.5), '€0.50');
    // What rounds to nothing carries no sign.
    assert.equal(f.points(-0.00001), '0.00 pp');
    assert.equal(f.difference('cpc', 0.001), '€0.00');
    assert.equal(f.difference('cpc', -0.02), '−€0.02');
  });

  it('when money is in yen, then unit costs print in yen, without sen', () => {
    const f = formatters('JPY');
    assert.equal(f.unitCost(2457.56), '¥2,458');
    assert.equal(f.metric('cpa', 118.4), '¥118');
  });

  it('when figures are compact, then the suffixes are K, M and B whatever ICU says', () => {
    const f = formatters('EUR');
    assert.equal(f.compactMoney(2_061_000), '€2.06M');
    assert.equal(f.compactMoney(8_880), '€8.88K');
    assert.equal(f.compact(3_400_000_000), '3.4B');
  });

  it('when conversions are fractional, then every surface prints them whole', () => {
    const f = formatters('EUR');
    assert.equal(f.metric('conversions', 100_578.43), '100,578');
    assert.equal(f.metric('conversions', 3_819.8), '3,820');
    assert.equal(f.difference('conversions', -11_852.1), '−11,852');
  });

  it('when two values would print alike, then rates and unit costs gain a digit, and where they still do the change is zero', () => {
    const f = formatters('EUR');
    // CTR 1.434% against 1.456%: two decimals already tell them apart.
    let pair = f.comparison('ctr', {
      current: 0.01434,
      previous: 0.01456,
      change: -0.00022,
      change_ratio: -0.0151,
    });
    assert.deepEqual([pair.current, pair.previous, pair.ratio], ['1.43%', '1.46%', '−1.5%']);
    // CPC €0.6612 against €0.6579: alike at cents, told apart by a third decimal.
    pair = f.comparison('cpc', {
      current: 0.6612,
      previous: 0.6579,
      change: 0.0033,
      change_ratio: 0.005,
    });
    assert.deepEqual([pair.current, pair.previous, pair.ratio], ['€0.661', '€0.658', '+0.5%']);
    // Alike even then: the change says so.
    pair = f.comparison('cpc', {
      current: 0.66121,
      previous: 0.66119,
      change: 0.00002,
      change_ratio: 0.00003,
    });
    assert.equal(pair.current, pair.previous);
    assert.deepEqual([pair.alike, pair.ratio, pair.difference], [true, '0.0%', '€0.00']);
  });
});
