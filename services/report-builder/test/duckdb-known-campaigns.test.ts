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

  it('when the bound is reached, then later pairs are not kept (they stay text in the query)', () => {
    const known = new KnownCampaigns(2);
    for (const id of ['c1', 'c2', 'c3']) known.add(id, `name of ${id}`);
    assert.equal(known.size, 2);
    assert.deepEqual(known.ids, ['c1', 'c2']);
  });
});
