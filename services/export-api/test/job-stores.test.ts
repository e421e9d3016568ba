import { connectMongoStores } from '../src/adapters/mongo-job-store.ts';
import { openSqlite } from '../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../src/adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from '../src/adapters/sqlite-workspace-store.ts';
import { SqliteWebhookStore } from '../src/adapters/sqlite-webhook-store.ts';
import { SqliteScheduleStore } from '../src/adapters/sqlite-schedule-store.ts';
import { InMemoryScheduleStore } from './fakes/in-memory-schedule-store.ts';
import { scheduleStoreContract } from './schedule-store.contract.ts';
import { DEMO_WORKSPACES } from '../src/demo-workspaces.ts';
import { InMemoryJobStore } from './fakes/in-memory-job-store.ts';
import { InMemoryWebhookStore } from './fakes/in-memory-webhook-store.ts';
import { InMemoryWorkspaceStore } from './fakes/in-memory-workspace-store.ts';
import { jobStoreContract } from './job-store.contract.ts';
import { webhookStoreContract } from './webhook-store.contract.ts';

describe('SQLite job store', () => {
  jobStoreContract(async () => {
    const db = openSqlite(':memory:');
    return { jobs: new SqliteJobStore(db), workspaces: new SqliteWorkspaceStore(db) };
  });
});

// The fakes unit tests use keep the same contract, so a unit test cannot pass on behaviour the
// real stores lack.
describe("in-memory job store (the unit tests' fake)", () => {
  jobStoreContract(async () => ({
    jobs: new InMemoryJobStore(),
    workspaces: new InMemoryWorkspaceStore(DEMO_WORKSPACES),
  }));
});

describe('SQLite webhook store', () => {
  webhookStoreContract(async () => new SqliteWebhookStore(openSqlite(':memory:')));
});

describe("in-memory webhook store (the unit tests' fake)", () => {
  webhookStoreContract(async () => new InMemoryWebhookStore());
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

describe('MongoDB webhook store', () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    it(
      'skipped: MONGODB_URI is not set (no MongoDB server on this machine); set it to run the contract',
    );
    return;
  }
  webhookStoreContract(async () => {
    const url = new URL(uri);
    url.pathname = `/wevion_webhooks_${process.pid}_${Date.now()}`;
    return (await connectMongoStores(url.toString())).webhooks;
  });
});

describe('SQLite schedule store', () => {
  scheduleStoreContract(async () => new SqliteScheduleStore(openSqlite(':memory:')));
});

describe("in-memory schedule store (the unit tests' fake)", () => {
  scheduleStoreContract(async () => new InMemoryScheduleStore());
});

describe('MongoDB schedule store', () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    it(
      'skipped: MONGODB_URI is not set (no MongoDB server on this machine); set it to run the contract',
    );
    return;
  }
  scheduleStoreContract(async () => {
    const url = new URL(uri);
    url.pathname = `/wevion_schedules_${process.pid}_${Date.now()}`;
    return (await connectMongoStores(url.toString())).schedules;
  });
});
