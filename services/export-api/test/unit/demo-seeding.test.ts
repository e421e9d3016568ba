import assert from 'node:assert/strict';
import { openSqlite } from '../../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../src/adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../../src/adapters/sqlite-workspace-store.ts';
import { seedDemoWorkspaces } from '../../src/demo-seeding.ts';
import { monthStart } from '../../src/domain/workspace.ts';

describe('demo seeding', () => {
  const now = new Date('2026-12-20T12:00:00Z');
  const stores = () => {
    const db = openSqlite(':memory:');
    return { jobs: new SqliteJobStore(db), workspaces: new SqliteWorkspaceStore(db) };
  };

  it('when seeded twice, then Kumo has 19 exports this month, not 38', async () => {
    const s = stores();
    await seedDemoWorkspaces(s, now);
    await seedDemoWorkspaces(s, now);
    assert.equal(await s.jobs.countTowardsQuota('ws_kumo', monthStart(now)), 19);
  });

  it('when seeded without history (a benchmark), then the workspaces exist and no job waits to run', async () => {
    const s = stores();
    const ids = await seedDemoWorkspaces(s, now, false);
    assert.ok(ids.includes('ws_kumo'));
    assert.ok(await s.workspaces.get('ws_kumo'));
    assert.equal(await s.jobs.countTowardsQuota('ws_kumo', monthStart(now)), 0);
  });
});
