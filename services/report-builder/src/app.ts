import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsReadinessChecks,
  jobQueueConsumer,
  startOpsServer,
  type ExportUnifiedReportMessage,
  type Logger,
  type ServiceMetrics,
} from '@wevion/shared';
import { buildExport } from './build-export.ts';
import type { ReportBuilderConfig } from './config.ts';
import type { InsightsStore } from './ports.ts';
import { summaryEndpoint } from './summary-endpoint.ts';

export interface ReportBuilderDeps {
  store: InsightsStore;
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
  logger: Logger;
  metrics: ServiceMetrics;
}

/** report-builder: the export-jobs consumer and the ops port (with the internal summary). */
export function createApp(config: Readonly<ReportBuilderConfig>, deps: ReportBuilderDeps) {
  const { store, logger, metrics } = deps;
  const consumer = jobQueueConsumer<ExportUnifiedReportMessage>({
    type: 'EXPORT_UNIFIED_REPORT',
    name: 'export-jobs',
    queueUrl: config.EXPORT_JOBS_QUEUE_URL,
    deadLetterQueueUrl: config.EXPORT_JOBS_DLQ_URL,
    topicArn: config.EXPORT_EVENTS_TOPIC_ARN,
    config,
    ...deps,
    work: 'Building the report',
    handle: (message, signal) =>
      buildExport(
        message,
        {
          ...deps,
          bucket: config.EXPORTS_BUCKET,
          renderQueueUrl: config.RENDER_JOBS_QUEUE_URL,
          topicArn: config.EXPORT_EVENTS_TOPIC_ARN,
        },
        signal,
      ),
  });
  let ops: Awaited<ReturnType<typeof startOpsServer>> | null = null;

  return {
    /** Serves the ops port, then starts consuming; resolves with the bound ops port. */
    async start(opsPort = config.OPS_PORT): Promise<number> {
      ops = await startOpsServer(
        opsPort,
        config.OPS_HOST,
        {
          registry: metrics.registry,
          metricsToken: config.OPS_TOKEN,
          logger,
          readiness: {
            checks: {
              insights_store: () => store.fxCurrencies(),
              ...awsReadinessChecks(deps, {
                queueUrl: config.EXPORT_JOBS_QUEUE_URL,
                bucket: config.EXPORTS_BUCKET,
              }),
            },
          },
        },
        summaryEndpoint(store, { secret: config.INTERNAL_TOKEN_SECRET, logger }),
      );
      consumer.start();
      logger.info({ ops_port: ops.port }, 'report-builder consuming export-jobs');
      return ops.port;
    },
    /** Stops taking messages, finishes those in flight, closes the ops port. */
    async stop(): Promise<void> {
      await consumer.stop();
      await ops?.close();
    },
  };
}
