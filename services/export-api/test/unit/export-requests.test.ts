import assert from 'node:assert/strict';
import { openSqlite } from '../../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../../src/adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../../src/adapters/sqlite-workspace-store.ts';
import { DEMO_WORKSPACES } from '../../src/demo-workspaces.ts';
import { WorkspaceAccess } from '../../src/workspace-access.ts';
import { ExportRequests } from '../../src/export-requests.ts';
import { job } from '../factories.ts';

describe('export requests with an idempotency key', () => {
  it('when two requests both find the key free and race to insert, then the loser answers with the winner’s job', async () => {
    const db = openSqlite(':memory:');
    const store = new SqliteJobStore(db);
    // Both requests look before either inserts: the unique index alone decides.
    let looks = 0;
    const lookFirst = new Promise<void>((resolve) => {
      const check = store.findByIdempotencyKey.bind(store);
      store.findByIdempotencyKey = async (workspaceId, key) => {
        if (++looks <= 2) {
          if (looks === 2) resolve();
          await lookFirst;
          return null;
        }
        return check(workspaceId, key);
      };
    });
    const enqueued: string[] = [];
    const requests = new ExportRequests(
      { currencies: ['EUR'] },
      {
        jobs: store,
        access: new WorkspaceAccess(new SqliteWorkspaceStore(db), { crossChannelEnabled: true }),
        lifecycle: {
          enqueue: async (created) => void enqueued.push(created.job_id),
          transition: (jobId, patch, from) => store.update(jobId, patch, from),
        },
        signer: { sign: async () => ({ url: '', expiresAt: '' }) },
        cancellations: { mark: async () => undefined },
      },
    );
    const user = { user_id: 'u', workspace_id: 'ws_acme', role: 'admin' as const };
    const ask = () =>
      requests.requestExport(user, DEMO_WORKSPACES[0]!, 'CSV', job().params, {
        key: 'k1',
        requestHash: 'h',
      });
    const [a, b] = await Promise.all([ask(), ask()]);
    assert.equal(a.job.job_id, b.job.job_id);
    assert.deepEqual([a.replayed, b.replayed].sort(), [false, true]);
    assert.deepEqual(enqueued, [a.job.job_id], 'one job sent on');
    db.close();
  });
});
