import { openSqlite } from '../adapters/sqlite-database.ts';
import { SqliteJobStore } from '../adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../adapters/sqlite-workspace-store.ts';
import { DEMO_WORKSPACES, kumoHistory } from '../demo-workspaces.ts';
import { monthStart } from '../domain/workspace.ts';

/** Upserts the demo workspaces into the local SQLite store; tops Kumo's history up to 19 this month. */
const db = openSqlite(process.env.SQLITE_PATH ?? 'data/export-api.sqlite');
const workspaces = new SqliteWorkspaceStore(db);
const jobs = new SqliteJobStore(db);
for (const workspace of DEMO_WORKSPACES) await workspaces.upsert(workspace);
const now = new Date();
const used = await jobs.countTowardsQuota('ws_kumo', monthStart(now));
for (const job of kumoHistory(now).slice(used)) await jobs.create(job);
await jobs.close();
console.log(`Demo workspaces ready: ${DEMO_WORKSPACES.map((w) => w.workspace_id).join(', ')}`);
