import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsReadinessChecks,
  InvalidMessageError,
  opsMiddleware,
  parseMessage,
  QueueConsumer,
  type JobEventMessage,
  type Logger,
  type ServiceMetrics,
} from '@wevion/shared';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import { Gauge } from 'prom-client';
import type { Server } from 'node:http';
import { S3DownloadSigner } from './adapters/s3-download-signer.ts';
import { SqsExportQueue } from './adapters/sqs-export-queue.ts';
import type { ExportApiConfig } from './config.ts';
import { ExportService } from './export-service.ts';
import { BrandingService } from './branding-service.ts';
import { authenticate } from './http/auth.ts';
import { brandingRoutes } from './http/branding-routes.ts';
import { renderErrors } from './http/errors.ts';
import { exportRoutes } from './http/routes.ts';
import { webApp } from './http/web-app.ts';
import { summaryRoute } from './http/summary-route.ts';
import type { JobStore, WorkspaceStore } from './ports.ts';

export interface ExportApiDeps {
  jobs: JobStore;
  workspaces: WorkspaceStore;
  sqs: SQSClient;
  s3: S3Client;
  logger: Logger;
  metrics: ServiceMetrics;
}

/** export-api: the HTTP API, the job-event and dead-letter consumers, and the reconciler. */
export function createApp(config: Readonly<ExportApiConfig>, deps: ExportApiDeps) {
  const { logger, metrics, sqs } = deps;
  const service = new ExportService(
    {
      crossChannelEnabled: config.ENABLE_CROSS_CHANNEL_ANALYTICS,
      pendingGraceSeconds: config.PENDING_GRACE_SECONDS,
      maxEnqueueAttempts: config.MAX_ENQUEUE_ATTEMPTS,
      runningTimeoutSeconds: config.RUNNING_TIMEOUT_SECONDS,
    },
    {
      jobs: deps.jobs,
      workspaces: deps.workspaces,
      queue: new SqsExportQueue(sqs, config.EXPORT_JOBS_QUEUE_URL),
      signer: new S3DownloadSigner(deps.s3, config.EXPORTS_BUCKET, config.DOWNLOAD_URL_TTL_SECONDS),
      logger,
    },
  );

  new Gauge({
    name: 'wevion_jobs',
    help: 'Export jobs by status',
    labelNames: ['status'],
    registers: [metrics.registry],
    async collect() {
      for (const [status, n] of Object.entries(await deps.jobs.countByStatus()))
        this.set({ status }, n);
    },
  });

  const consumer = (
    name: string,
    queueUrl: string,
    handle: (body: string | undefined) => Promise<void>,
  ) =>
    new QueueConsumer({
      name,
      sqs,
      queueUrl,
      logger,
      metrics,
      concurrency: 4,
      waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
      visibilitySeconds: 30,
      handle: (message) => handle(message.Body),
    });
  const consumers = [
    consumer('export-api-events', config.EXPORT_API_EVENTS_QUEUE_URL, (body) =>
      service.handleJobEvent(parseMessage<JobEventMessage>('JOB_EVENT', body)),
    ),
    consumer('export-jobs-dlq', config.EXPORT_JOBS_DLQ_URL, (body) =>
      service.failFromDeadLetter(body, 'report-builder'),
    ),
    consumer('render-jobs-dlq', config.RENDER_JOBS_DLQ_URL, (body) =>
      service.failFromDeadLetter(body, 'renderer'),
    ),
    consumer('export-api-events-dlq', config.EXPORT_API_EVENTS_DLQ_URL, async (body) => {
      // An event that kept failing may have met a passing outage: apply it if it is valid at all.
      try {
        await service.handleJobEvent(parseMessage<JobEventMessage>('JOB_EVENT', body));
      } catch (error) {
        if (!(error instanceof InvalidMessageError)) throw error;
        await service.failFromDeadLetter(body, 'export-api');
      }
    }),
  ];

  const koa = new Koa();
  koa.proxy = true;
  koa.use(renderErrors(logger));
  koa.use(
    opsMiddleware(metrics.registry, {
      checks: {
        job_store: () => deps.jobs.ping(),
        ...awsReadinessChecks(deps, {
          queueUrl: config.EXPORT_JOBS_QUEUE_URL,
          bucket: config.EXPORTS_BUCKET,
        }),
      },
    }),
  );
  koa.use(
    webApp({ ...(config.DEV_SESSION_TOKEN ? { devSessionToken: config.DEV_SESSION_TOKEN } : {}) }),
  );
  koa.use(authenticate(config.JWT_SECRET));
  // Branding takes multipart uploads; every other route takes small JSON bodies.
  const branding = brandingRoutes(
    new BrandingService(deps.workspaces, deps.s3, config.EXPORTS_BUCKET),
  );
  koa.use(branding.routes());
  koa.use(branding.allowedMethods());
  koa.use(
    koaBody({ json: true, jsonLimit: '64kb', multipart: false, urlencoded: false, text: false }),
  );
  const currencies = config.SUPPORTED_CURRENCIES.split(',');
  const summary = summaryRoute(service, currencies, config.REPORT_BUILDER_URL);
  koa.use(summary.routes());
  const router = exportRoutes(service, currencies);
  koa.use(router.routes());
  koa.use(router.allowedMethods());

  let server: Server | null = null;
  let reconciler: NodeJS.Timeout | null = null;

  return {
    koa,
    service,
    /** Starts the consumers, the reconciler and the HTTP server; resolves with the bound port. */
    async start(port = config.PORT): Promise<number> {
      for (const c of consumers) c.start();
      reconciler = setInterval(() => {
        service
          .reconcile()
          .then((r) => (r.resent || r.failed) && logger.info(r, 'reconciled stale jobs'))
          .catch((err) => logger.error({ err }, 'reconcile failed'));
      }, config.RECONCILE_INTERVAL_SECONDS * 1000);
      server = await new Promise<Server>((resolve) => {
        const s = koa.listen(port, config.HOST, () => resolve(s));
      });
      const bound = (server.address() as { port: number }).port;
      logger.info({ port: bound }, 'export-api listening');
      return bound;
    },
    /** Stops taking requests and messages, lets in-flight work finish. */
    async stop(): Promise<void> {
      if (reconciler) clearInterval(reconciler);
      await Promise.all([
        ...consumers.map((c) => c.stop()),
        new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
      ]);
    },
  };
}
