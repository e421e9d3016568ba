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
    assert.equal(f.percent(0.275), '27.5%');
    assert.equal(f.change(-0.05), '−5.0%');
    assert.equal(f.points(0.0006), '+0.1 pp');
    assert.equal(f.unitCost(0.5), '€0.50');
    // What rounds to nothing carries no sign.
    assert.equal(f.points(-0.0001), '0.0 pp');
    assert.equal(f.difference('cpc', 0.001), '€0.00');
    assert.equal(f.difference('cpc', -0.02), '−€0.02');
  });
});
