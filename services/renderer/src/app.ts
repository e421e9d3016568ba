import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsReadinessChecks,
  jobEvents,
  parseMessage,
  QueueConsumer,
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

const parse = (body: string | undefined) =>
  parseMessage<RenderReportMessage>('RENDER_REPORT', body);

/** renderer: the render-jobs consumer and the ops port. */
export function createApp(config: Readonly<RendererConfig>, deps: RendererDeps) {
  const { logger, metrics, printer } = deps;
  const consumer = new QueueConsumer({
    name: 'render-jobs',
    sqs: deps.sqs,
    queueUrl: config.RENDER_JOBS_QUEUE_URL,
    deadLetterQueueUrl: config.RENDER_JOBS_DLQ_URL,
    logger,
    metrics,
    concurrency: config.CONCURRENCY,
    waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
    visibilitySeconds: config.VISIBILITY_TIMEOUT_SECONDS,
    timeoutMs: config.HANDLER_TIMEOUT_SECONDS * 1000,
    handle: (message, signal) =>
      renderExport(
        parse(message.Body),
        { ...deps, bucket: config.EXPORTS_BUCKET, topicArn: config.EXPORT_EVENTS_TOPIC_ARN },
        signal,
      ),
    onTimeout: (message) =>
      jobEvents(
        deps.sns,
        config.EXPORT_EVENTS_TOPIC_ARN,
        parse(message.Body),
      )({
        status: 'FAILED',
        error: {
          code: 'timeout',
          message: `Rendering the file took longer than ${config.HANDLER_TIMEOUT_SECONDS} seconds and was stopped. Try a shorter date range or fewer platforms.`,
        },
      }),
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
