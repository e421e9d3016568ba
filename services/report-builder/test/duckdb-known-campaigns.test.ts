import assert from 'node:assert/strict';
import { KnownCampaigns } from '../src/adapters/duckdb-known-campaigns.ts';

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
});
