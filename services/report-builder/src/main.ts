import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  exitOnUnhandled,
  stopOnSignals,
} from '@wevion/shared';
import { createAwsAdapters } from './adapters/aws-adapters.ts';
import { createApp } from './app.ts';
import { loadReportBuilderConfig } from './config.ts';
import type { InsightsStore } from './ports.ts';

const config = loadReportBuilderConfig();
const logger = createLogger('report-builder', config.LOG_LEVEL);
exitOnUnhandled(logger);
const aws = createAwsClients(config);
// Each store's driver is loaded only when it is the one configured: importing mongoose alone
// costs about 180 ms of start time, and DuckDB's native library its own memory.
const store: InsightsStore = config.MONGODB_URI
  ? await (
      await import('./adapters/mongo-insights-store.ts')
    ).MongoInsightsStore.connect(config.MONGODB_URI)
  : await (
      await import('./adapters/duckdb-insights-store.ts')
    ).DuckDbInsightsStore.open(config.INSIGHTS_DUCKDB_PATH, {
      memoryLimit: config.INSIGHTS_DUCKDB_MEMORY_LIMIT,
      threads: config.INSIGHTS_DUCKDB_THREADS,
    });

const metrics = createMetrics('report-builder');
const app = createApp(config, {
  store,
  ...createAwsAdapters(config, aws, { logger, metrics }),
  logger,
  metrics,
});
await app.start();

stopOnSignals(logger, async () => {
  await app.stop();
  await store.close();
  destroyAwsClients(aws);
});
