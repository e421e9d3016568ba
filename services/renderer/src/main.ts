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
  type RenderReportMessage,
} from '@wevion/shared';
import { ChromiumPdfPrinter } from './adapters/chromium-pdf-printer.ts';
import { HandlebarsReportTemplate } from './adapters/handlebars-report-template.ts';
import { loadRendererConfig } from './config.ts';
import { renderExport } from './render-export.ts';

const config = loadRendererConfig();
const logger = createLogger('renderer', config.LOG_LEVEL);
const metrics = createMetrics('renderer');
const aws = createAwsClients(config);
const printer = new ChromiumPdfPrinter({
  ...(config.CHROMIUM_PATH ? { executablePath: config.CHROMIUM_PATH } : {}),
  concurrency: config.PDF_CONCURRENCY,
  relaunchAfter: config.CHROMIUM_RELAUNCH_AFTER,
  timeoutMs: config.PDF_TIMEOUT_SECONDS * 1000,
  logger,
});
const pdf = { template: new HandlebarsReportTemplate(), printer };

const consumer = new QueueConsumer({
  name: 'render-jobs',
  sqs: aws.sqs,
  queueUrl: config.RENDER_JOBS_QUEUE_URL,
  logger,
  metrics,
  concurrency: config.CONCURRENCY,
  waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
  visibilitySeconds: 180,
  handle: (message) =>
    renderExport(parseMessage<RenderReportMessage>('RENDER_REPORT', message.Body), {
      pdf,
      ...aws,
      bucket: config.EXPORTS_BUCKET,
      topicArn: config.EXPORT_EVENTS_TOPIC_ARN,
      logger,
      metrics,
    }),
});

const ops = await startOpsServer(config.OPS_PORT, config.OPS_HOST, metrics.registry, {
  checks: {
    chromium: () => printer.warmUp(),
    ...awsReadinessChecks(aws, {
      queueUrl: config.RENDER_JOBS_QUEUE_URL,
      bucket: config.EXPORTS_BUCKET,
    }),
  },
});
await printer.warmUp();
consumer.start();
logger.info({ ops_port: ops.port }, 'renderer consuming render-jobs');

stopOnSignals(logger, async () => {
  await consumer.stop();
  await ops.close();
  await printer.close();
  destroyAwsClients(aws);
});
