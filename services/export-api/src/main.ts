import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  exitOnUnhandled,
  stopOnSignals,
} from '@wevion/shared';
import { connectMongoStores } from './adapters/mongo-job-store.ts';
import { openSqlite } from './adapters/sqlite-database.ts';
import { SqliteJobStore } from './adapters/sqlite-job-store.ts';
import { SqliteWorkspaceStore } from './adapters/sqlite-workspace-store.ts';
import { createApp } from './app.ts';
import { loadExportApiConfig } from './config.ts';

const config = loadExportApiConfig();
const logger = createLogger('export-api', config.LOG_LEVEL);
exitOnUnhandled(logger);
const aws = createAwsClients(config);

let stores;
if (config.MONGODB_URI) {
  stores = await connectMongoStores(config.MONGODB_URI);
} else {
  const db = openSqlite(config.SQLITE_PATH);
  stores = { jobs: new SqliteJobStore(db), workspaces: new SqliteWorkspaceStore(db) };
}

const app = createApp(config, {
  ...stores,
  ...aws,
  logger,
  metrics: createMetrics('export-api'),
  // main.ts sits one level below the package in src/ and in dist/ alike.
  webDir: new URL('../web/', import.meta.url).pathname,
});
await app.start();

stopOnSignals(logger, async () => {
  await app.stop();
  await stores.jobs.close();
  destroyAwsClients(aws);
});
