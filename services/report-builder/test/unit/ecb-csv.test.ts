import assert from 'node:assert/strict';
import { parseEcbCsv } from '../../src/domain/ecb-csv.ts';

describe('ECB historical CSV', () => {
  it('when the file has the ECB layout, then every published rate is read and N/A skipped', () => {
    const csv =
      'Date,USD,JPY,CYP,\n2026-10-23,1.0850,162.40,N/A,\r\n2026-10-22,1.0832,161.95,N/A,\n';
    assert.deepEqual(parseEcbCsv(csv), [
      { date: '2026-10-23', currency: 'USD', rate: '1.0850' },
      { date: '2026-10-23', currency: 'JPY', rate: '162.40' },
      { date: '2026-10-22', currency: 'USD', rate: '1.0832' },
      { date: '2026-10-22', currency: 'JPY', rate: '161.95' },
    ]);
  });

  it('when the file is not the ECB layout, then the error says which line and why', () => {
    assert.throws(() => parseEcbCsv('when,USD\n'), /Line 1 must be the header/);
    assert.throws(
      () => parseEcbCsv('Date,USD\n23/10/2026,1.08\n'),
      /Line 2: "23\/10\/2026" is not a YYYY-MM-DD date/,
    );
    assert.throws(
      () => parseEcbCsv('Date,USD\n2026-10-23,-1\n'),
      /Line 2: USD rate "-1" is not a positive number/,
    );
  });
});
