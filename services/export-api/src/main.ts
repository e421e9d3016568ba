import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  exitOnUnhandled,
  stopOnSignals,
} from '@wevion/shared';
import { createAwsAdapters } from './adapters/aws-adapters.ts';
import { createEdgeAdapters } from './adapters/edge-adapters.ts';
import { createApp } from './app.ts';
import { loadExportApiConfig } from './config.ts';

const config = loadExportApiConfig();
const logger = createLogger('export-api', config.LOG_LEVEL);
exitOnUnhandled(logger);
const aws = createAwsClients(config);

// Only the configured store's driver is loaded: importing mongoose alone costs about 180 ms of
// start time.
const stores = config.MONGODB_URI
  ? await (await import('./adapters/mongo-job-store.ts')).connectMongoStores(config.MONGODB_URI)
  : await openSqliteStores(config.SQLITE_PATH);

async function openSqliteStores(path: string) {
  const [
    { openSqlite },
    { SqliteJobStore },
    { SqliteWorkspaceStore },
    { SqliteWebhookStore },
    { SqliteScheduleStore },
  ] = await Promise.all([
    import('./adapters/sqlite-database.ts'),
    import('./adapters/sqlite-job-store.ts'),
    import('./adapters/sqlite-workspace-store.ts'),
    import('./adapters/sqlite-webhook-store.ts'),
    import('./adapters/sqlite-schedule-store.ts'),
  ]);
  const db = openSqlite(path);
  return {
    jobs: new SqliteJobStore(db),
    workspaces: new SqliteWorkspaceStore(db),
    webhooks: new SqliteWebhookStore(db),
    schedules: new SqliteScheduleStore(db),
  };
}

const metrics = createMetrics('export-api');
const adapters = createAwsAdapters(config, aws, { logger, metrics });
const app = createApp(config, {
  ...stores,
  ...adapters,
  ...createEdgeAdapters(config),
  logger,
  metrics,
  // main.ts sits one level below the package in src/ and in dist/ alike.
  webDir: new URL('../web/', import.meta.url).pathname,
});
await app.start();

stopOnSignals(logger, async () => {
  await app.stop();
  await stores.jobs.close();
  adapters.close();
  destroyAwsClients(aws);
});
