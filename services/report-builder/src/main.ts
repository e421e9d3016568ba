import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  exitOnUnhandled,
  stopOnSignals,
} from '@wevion/shared';
import { DuckDbInsightsStore } from './adapters/duckdb-insights-store.ts';
import { MongoInsightsStore } from './adapters/mongo-insights-store.ts';
import { createApp } from './app.ts';
import { loadReportBuilderConfig } from './config.ts';
import type { InsightsStore } from './ports.ts';

const config = loadReportBuilderConfig();
const logger = createLogger('report-builder', config.LOG_LEVEL);
exitOnUnhandled(logger);
const aws = createAwsClients(config);
const store: InsightsStore = config.MONGODB_URI
  ? await MongoInsightsStore.connect(config.MONGODB_URI)
  : await DuckDbInsightsStore.open(config.INSIGHTS_DUCKDB_PATH, {
      memoryLimit: config.INSIGHTS_DUCKDB_MEMORY_LIMIT,
      threads: config.INSIGHTS_DUCKDB_THREADS,
    });

const app = createApp(config, { store, ...aws, logger, metrics: createMetrics('report-builder') });
await app.start();

stopOnSignals(logger, async () => {
  await app.stop();
  await store.close();
  destroyAwsClients(aws);
});
