import { connectMongoStores } from '../adapters/mongo-job-store.ts';
import { openSqlite } from '../adapters/sqlite-database.ts';
import { SqliteJobStore } from '../adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../adapters/sqlite-workspace-store.ts';
import { DEMO_WORKSPACES, kumoHistory } from '../demo-workspaces.ts';
import { monthStart } from '../domain/workspace.ts';
import type { JobStore, WorkspaceStore } from '../ports.ts';

/**
 * Upserts the demo workspaces and tops Kumo's history up to 19 exports this month: into MongoDB
 * when MONGODB_URI is set (docker compose), else into the local SQLite store.
 */
let stores: { jobs: JobStore; workspaces: WorkspaceStore };
if (process.env.MONGODB_URI) {
  stores = await connectMongoStores(process.env.MONGODB_URI);
} else {
  const db = openSqlite(process.env.SQLITE_PATH ?? 'data/export-api.sqlite');
  stores = { jobs: new SqliteJobStore(db), workspaces: new SqliteWorkspaceStore(db) };
}
const { jobs, workspaces } = stores;
for (const workspace of DEMO_WORKSPACES) await workspaces.upsert(workspace);
const now = new Date();
const used = await jobs.countTowardsQuota('ws_kumo', monthStart(now));
for (const job of kumoHistory(now).slice(used)) await jobs.create(job);
await jobs.close();
console.log(`Demo workspaces ready: ${DEMO_WORKSPACES.map((w) => w.workspace_id).join(', ')}`);
