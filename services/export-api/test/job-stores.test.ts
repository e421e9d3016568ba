import { connectMongoStores } from '../src/adapters/mongo-job-store.ts';
import { openSqlite } from '../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../src/adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../src/adapters/sqlite-workspace-store.ts';
import { jobStoreContract } from './job-store.contract.ts';

describe('SQLite job store', () => {
  jobStoreContract(async () => {
    const db = openSqlite(':memory:');
    return { jobs: new SqliteJobStore(db), workspaces: new SqliteWorkspaceStore(db) };
  });
});

describe('MongoDB job store', () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    it(
      'skipped: MONGODB_URI is not set (no MongoDB server on this machine); set it to run the contract',
    );
    return;
  }
  jobStoreContract(() => {
    // A database of its own per run, whatever database the URI names.
    const url = new URL(uri);
    url.pathname = `/wevion_jobs_${process.pid}_${Date.now()}`;
    return connectMongoStores(url.toString());
  });
});
