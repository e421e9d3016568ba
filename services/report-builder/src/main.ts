import {
  awsReadinessChecks,
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  stopOnSignals,
  parseMessage,
  QueueConsumer,
  startOpsServer,
  type ExportUnifiedReportMessage,
} from '@wevion/shared';
import { DuckDbInsightsStore } from './adapters/duckdb-insights-store.ts';
import { MongoInsightsStore } from './adapters/mongo-insights-store.ts';
import { buildExport } from './build-export.ts';
import { summaryEndpoint } from './summary-endpoint.ts';
import { loadReportBuilderConfig } from './config.ts';
import type { InsightsStore } from './ports.ts';

const config = loadReportBuilderConfig();
const logger = createLogger('report-builder', config.LOG_LEVEL);
const metrics = createMetrics('report-builder');
const aws = createAwsClients(config);
const store: InsightsStore = config.MONGODB_URI
  ? await MongoInsightsStore.connect(config.MONGODB_URI)
  : await DuckDbInsightsStore.open(config.INSIGHTS_DUCKDB_PATH);

const consumer = new QueueConsumer({
  name: 'export-jobs',
  sqs: aws.sqs,
  queueUrl: config.EXPORT_JOBS_QUEUE_URL,
  logger,
  metrics,
  concurrency: config.CONCURRENCY,
  waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
  visibilitySeconds: 120,
  handle: (message) =>
    buildExport(parseMessage<ExportUnifiedReportMessage>('EXPORT_UNIFIED_REPORT', message.Body), {
      store,
      ...aws,
      bucket: config.EXPORTS_BUCKET,
      renderQueueUrl: config.RENDER_JOBS_QUEUE_URL,
      topicArn: config.EXPORT_EVENTS_TOPIC_ARN,
      logger,
      metrics,
    }),
});

const ops = await startOpsServer(
  config.OPS_PORT,
  config.OPS_HOST,
  metrics.registry,
  {
    checks: {
      insights_store: () => store.fxCurrencies(),
      ...awsReadinessChecks(aws, {
        queueUrl: config.EXPORT_JOBS_QUEUE_URL,
        bucket: config.EXPORTS_BUCKET,
      }),
    },
  },
  summaryEndpoint(store),
);
consumer.start();
logger.info({ ops_port: ops.port }, 'report-builder consuming export-jobs');

stopOnSignals(logger, async () => {
  await consumer.stop();
  await ops.close();
  await store.close();
  destroyAwsClients(aws);
});
