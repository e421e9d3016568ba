import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsReadinessChecks,
  jobQueueConsumer,
  startOpsServer,
  type Logger,
  type RenderReportMessage,
  type ServiceMetrics,
} from '@wevion/shared';
import type { RendererConfig } from './config.ts';
import type { PdfPrinter, ReportTemplate } from './ports.ts';
import { renderExport } from './render-export.ts';

export interface RendererDeps {
  printer: PdfPrinter;
  template: ReportTemplate;
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
  logger: Logger;
  metrics: ServiceMetrics;
}

/** renderer: the render-jobs consumer and the ops port. */
export function createApp(config: Readonly<RendererConfig>, deps: RendererDeps) {
  const { logger, metrics, printer } = deps;
  const consumer = jobQueueConsumer<RenderReportMessage>({
    type: 'RENDER_REPORT',
    name: 'render-jobs',
    queueUrl: config.RENDER_JOBS_QUEUE_URL,
    deadLetterQueueUrl: config.RENDER_JOBS_DLQ_URL,
    topicArn: config.EXPORT_EVENTS_TOPIC_ARN,
    config,
    ...deps,
    work: 'Rendering the file',
    handle: (message, signal) =>
      renderExport(
        message,
        { ...deps, bucket: config.EXPORTS_BUCKET, topicArn: config.EXPORT_EVENTS_TOPIC_ARN },
        signal,
      ),
  });
  let ops: Awaited<ReturnType<typeof startOpsServer>> | null = null;

  return {
    /** Serves the ops port, warms Chromium, then starts consuming; resolves with the ops port. */
    async start(opsPort = config.OPS_PORT): Promise<number> {
      ops = await startOpsServer(opsPort, config.OPS_HOST, {
        registry: metrics.registry,
        metricsToken: config.OPS_TOKEN,
        logger,
        readiness: {
          checks: {
            chromium: () => printer.warmUp(),
            ...awsReadinessChecks(deps, {
              queueUrl: config.RENDER_JOBS_QUEUE_URL,
              bucket: config.EXPORTS_BUCKET,
            }),
          },
        },
      });
      // A Chromium that cannot start now is retried by the first PDF job and by /readyz;
      // CSV work does not need it, so the consumer starts anyway.
      await printer
        .warmUp()
        .catch((err: unknown) =>
          logger.error({ err }, 'Chromium did not start; PDF jobs will retry the launch'),
        );
      consumer.start();
      logger.info({ ops_port: ops.port }, 'renderer consuming render-jobs');
      return ops.port;
    },
    /** Stops taking messages, finishes those in flight, closes the ops port. */
    async stop(): Promise<void> {
      await consumer.stop();
      await ops?.close();
    },
  };
}
