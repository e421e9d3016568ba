import { connectMongoStores } from '../adapters/mongo-job-store.ts';
import { openSqlite } from '../adapters/sqlite-database.ts';
import { SqliteJobStore } from '../adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../adapters/sqlite-workspace-store.ts';
import { seedDemoWorkspaces } from '../demo-seeding.ts';
import type { JobStore, WorkspaceStore } from '../ports.ts';

/**
 * The demo workspaces into MongoDB when MONGODB_URI is set (docker compose), else into SQLite;
 * `--no-history` leaves out Kumo's seeded exports.
 */
let stores: { jobs: JobStore; workspaces: WorkspaceStore };
if (process.env.MONGODB_URI) {
  stores = await connectMongoStores(process.env.MONGODB_URI);
} else {
  const db = openSqlite(process.env.SQLITE_PATH ?? 'data/export-api.sqlite');
  stores = { jobs: new SqliteJobStore(db), workspaces: new SqliteWorkspaceStore(db) };
}
const ids = await seedDemoWorkspaces(stores, new Date(), !process.argv.includes('--no-history'));
await stores.jobs.close();
console.log(`Demo workspaces ready: ${ids.join(', ')}`);
