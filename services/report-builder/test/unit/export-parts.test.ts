import { periodStart, type Granularity } from '@wevion/shared';
import assert from 'node:assert/strict';
import { evenChunks, exportParts } from '../../src/domain/export-parts.ts';
import { localDays } from '../../src/domain/local-days.ts';

const since = '2026-09-03';
const days = localDays(since, '2026-10-31', 'Europe/Berlin');
const periodsOf = (granularity: Granularity) =>
  new Map(days.map((d) => [d.date, periodStart(d.date, granularity, since)]));
const dates = (parts: ReturnType<typeof exportParts>) => parts.map((p) => p.map((d) => d.date));

describe('export parts', () => {
  it('when rows are days, then parts are runs of the asked length, every day once, in order', () => {
    const parts = dates(exportParts(days, periodsOf('day'), 8));
    assert.deepEqual(
      parts.flat(),
      days.map((d) => d.date),
    );
    assert.deepEqual(
      parts.map((p) => p.length),
      [8, 8, 8, 8, 8, 8, 8, 3],
    );
  });

  it('when rows are weeks or months, then no period is split and each part is long enough', () => {
    for (const granularity of ['week', 'month'] as const) {
      const periodOf = periodsOf(granularity);
      const parts = exportParts(days, periodOf, 10);
      assert.deepEqual(
        dates(parts).flat(),
        days.map((d) => d.date),
      );
      const periodsByPart = parts.map((p) => new Set(p.map((d) => periodOf.get(d.date))));
      periodsByPart.forEach((periods, i) =>
        periodsByPart.slice(i + 1).forEach((later) =>
          assert.ok(
            [...periods].every((p) => !later.has(p)),
            granularity,
          ),
        ),
      );
      assert.ok(parts.slice(0, -1).every((p) => p.length >= 10));
    }
    // 3 Sep (a Thursday) to 31 Oct in months: September, then October.
    assert.deepEqual(
      exportParts(days, periodsOf('month'), 1).map((p) => p.length),
      [28, 31],
    );
  });

  it('when the first period leads alone, then it is a part of its own and the others are cut as before', () => {
    const daily = exportParts(days, periodsOf('day'), 8, { leadAlone: true });
    assert.deepEqual(
      dates(daily).flat(),
      days.map((d) => d.date),
    );
    assert.deepEqual(
      daily.map((p) => p.length),
      [1, 8, 8, 8, 8, 8, 8, 8, 2],
    );
    // Thursday 3 Sep to Sunday 6 Sep is the first week.
    assert.deepEqual(
      exportParts(days, periodsOf('week'), 10, { leadAlone: true }).map((p) => p.length),
      [4, 14, 14, 14, 13],
    );
    // A first period already as long as a part is cut where it would be anyway.
    assert.deepEqual(
      exportParts(days, periodsOf('month'), 10, { leadAlone: true }).map((p) => p.length),
      [28, 31],
    );
    assert.equal(exportParts(days, periodsOf('total'), 1, { leadAlone: true }).length, 1);
  });

  it('when the whole range is one row, then it is one part', () => {
    assert.equal(exportParts(days, periodsOf('total'), 1).length, 1);
  });

  it('when ids are cut into chunks, then every id is in one chunk, in order, the chunks within one of each other', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const chunks = evenChunks(ids, 5);
    assert.deepEqual(chunks.flat(), ids);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [4, 5, 4, 5, 5],
    );
    assert.deepEqual(evenChunks(ids.slice(0, 2), 5), [['c00'], ['c01']]);
    assert.deepEqual(evenChunks([], 5), []);
  });
});
