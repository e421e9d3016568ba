import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { KNOWN_CAMPAIGNS_TABLE, KnownCampaigns } from '../src/adapters/duckdb-known-campaigns.ts';

describe('campaigns an export has read (DuckDB)', () => {
  it('when pairs repeat or a campaign is renamed, then each distinct pair gets one number, in order', () => {
    const known = new KnownCampaigns();
    known.add('c1', 'Spring');
    known.add('c2', 'Summer');
    known.add('c1', 'Spring');
    known.add('c1', 'Spring, renamed');
    assert.deepEqual(known.ids, ['c1', 'c2', 'c1']);
    assert.deepEqual(known.names, ['Spring', 'Summer', 'Spring, renamed']);
  });

  it('when more pairs come than the limit, then no more are joined, and the numbers given stay valid', () => {
    const known = new KnownCampaigns(2);
    assert.equal(known.worthJoining, false, 'nothing read yet');
    for (const id of ['c1', 'c2']) known.add(id, `name of ${id}`);
    known.add('c1', 'name of c1');
    assert.equal(known.worthJoining, true, 'at the limit, a pair read again changes nothing');
    known.add('c3', 'name of c3');
    assert.equal(known.worthJoining, false, 'past it: the rest of the export reads text');
    known.add('c4', 'name of c4');
    assert.deepEqual(known.ids, ['c1', 'c2']);
    assert.deepEqual(known.names, ['name of c1', 'name of c2']);
  });

  it('when synced to two connections at different times, then each table holds every pair read, once, by its number', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const [a, b] = [await instance.connect(), await instance.connect()];
    const table = async (c: typeof a) =>
      (
        await c.runAndReadAll(
          `SELECT (generate_subscripts(known_ids, 1) - 1)::INTEGER, unnest(known_ids),
                  unnest(known_names) FROM ${KNOWN_CAMPAIGNS_TABLE}`,
        )
      ).getRows();
    try {
      const known = new KnownCampaigns();
      known.add('c1', 'Spring');
      await known.syncTo(a);
      known.add('c2', 'Summer');
      known.add('c1', 'Spring, renamed');
      await known.syncTo(b);
      await known.syncTo(a);
      await known.syncTo(a);
      const all = [
        [0, 'c1', 'Spring'],
        [1, 'c2', 'Summer'],
        [2, 'c1', 'Spring, renamed'],
      ];
      assert.deepEqual(await table(a), all);
      assert.deepEqual(await table(b), all);
    } finally {
      a.closeSync();
      b.closeSync();
      instance.closeSync();
    }
  });
});
