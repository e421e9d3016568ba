import { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  AppError,
  awsReadinessChecks,
  closeServer,
  InvalidMessageError,
  listenWithTimeouts,
  parseMessage,
  QueueConsumer,
  startOpsServer,
  type JobEventMessage,
  type Logger,
  type ServiceMetrics,
} from '@wevion/shared';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import { Gauge } from 'prom-client';
import type { Server } from 'node:http';
import { SharpLogoRasterizer } from './adapters/sharp-logo-rasterizer.ts';
import { S3DownloadSigner } from './adapters/s3-download-signer.ts';
import { apiDocs } from './http/api-docs.ts';
import { S3Cancellations } from './adapters/s3-cancellations.ts';
import { S3ExportFiles } from './adapters/s3-export-files.ts';
import { SqsExportQueue } from './adapters/sqs-export-queue.ts';
import { BrandingService } from './branding-service.ts';
import type { ExportApiConfig } from './config.ts';
import { ExportRequests } from './export-requests.ts';
import { authenticate } from './http/auth.ts';
import { brandingRoutes } from './http/branding-routes.ts';
import { JSON_BODY_LIMIT, renderErrors } from './http/errors.ts';
import { exportRoutes } from './http/routes.ts';
import { summaryRoute } from './http/summary-route.ts';
import { workspaceRoutes } from './http/workspace-routes.ts';
import { webApp } from './http/web-app.ts';
import { JobLifecycle } from './job-lifecycle.ts';
import type { JobStore, WebhookStore, WorkspaceStore } from './ports.ts';
import { withJobEndings } from './job-endings.ts';
import { NodeHttpWebhookSender } from './adapters/node-http-webhook-sender.ts';
import { webhookRoutes } from './http/webhook-routes.ts';
import { Webhooks } from './webhooks.ts';

export interface ExportApiDeps {
  jobs: JobStore;
  workspaces: WorkspaceStore;
  webhooks: WebhookStore;
  sqs: SQSClient;
  s3: S3Client;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Where the built /analytics page lives (`services/export-api/web/`). */
  webDir?: string;
}

/**
 * Webhook attempts one process keeps in flight. Each endpoint has at most one, so a workspace
 * (at most 5 endpoints) can hold at most 5 of them, however slowly its receivers answer.
 */
const WEBHOOK_ATTEMPTS_IN_FLIGHT = 64;

/** A time limit for handling one event or dead letter: a few store writes. */
const EVENT_HANDLER_TIMEOUT_MS = 30_000;

/** export-api: the HTTP API, the job-event and dead-letter consumers, and the reconciler. */
export function createApp(config: Readonly<ExportApiConfig>, deps: ExportApiDeps) {
  const { logger, metrics, sqs } = deps;
  // Every job's end goes out to the workspace's webhooks, whichever path ended it.
  let webhooks: Webhooks | null = null;
  const jobs = withJobEndings(deps.jobs, async (jobId) => webhooks?.jobEnded(jobId), logger);
  const lifecycle = new JobLifecycle(
    {
      pendingGraceSeconds: config.PENDING_GRACE_SECONDS,
      maxEnqueueAttempts: config.MAX_ENQUEUE_ATTEMPTS,
      runningTimeoutSeconds: config.RUNNING_TIMEOUT_SECONDS,
    },
    {
      jobs,
      workspaces: deps.workspaces,
      queue: new SqsExportQueue(sqs, config.EXPORT_JOBS_QUEUE_URL),
      files: new S3ExportFiles(deps.s3, config.EXPORTS_BUCKET),
      logger,
    },
  );
  // Signing is local (no request is sent), so a client for the public endpoint costs nothing.
  const signingS3 = config.S3_PUBLIC_ENDPOINT_URL
    ? new S3Client({
        region: config.AWS_REGION,
        endpoint: config.S3_PUBLIC_ENDPOINT_URL,
        forcePathStyle: true,
        credentials: deps.s3.config.credentials,
      })
    : deps.s3;
  const currencies = config.SUPPORTED_CURRENCIES.split(',');
  const requests = new ExportRequests(
    { crossChannelEnabled: config.ENABLE_CROSS_CHANNEL_ANALYTICS, currencies },
    {
      jobs,
      workspaces: deps.workspaces,
      lifecycle,
      signer: new S3DownloadSigner(
        signingS3,
        config.EXPORTS_BUCKET,
        config.DOWNLOAD_URL_TTL_SECONDS,
      ),
      cancellations: new S3Cancellations(deps.s3, config.EXPORTS_BUCKET),
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
    deadLetterQueueUrl: string | null,
    handle: (body: string | undefined) => Promise<void>,
  ) =>
    new QueueConsumer({
      name,
      sqs,
      queueUrl,
      ...(deadLetterQueueUrl ? { deadLetterQueueUrl } : {}),
      logger,
      metrics,
      concurrency: 4,
      waitTimeSeconds: config.QUEUE_WAIT_SECONDS,
      visibilitySeconds: 30,
      timeoutMs: EVENT_HANDLER_TIMEOUT_MS,
      handle: (message) => handle(message.Body),
    });
  const consumers = [
    consumer(
      'export-api-events',
      config.EXPORT_API_EVENTS_QUEUE_URL,
      config.EXPORT_API_EVENTS_DLQ_URL,
      (body) => lifecycle.handleJobEvent(parseMessage<JobEventMessage>('JOB_EVENT', body)),
    ),
    consumer('export-jobs-dlq', config.EXPORT_JOBS_DLQ_URL, null, (body) =>
      lifecycle.failFromDeadLetter(body, 'report-builder'),
    ),
    consumer('render-jobs-dlq', config.RENDER_JOBS_DLQ_URL, null, (body) =>
      lifecycle.failFromDeadLetter(body, 'renderer'),
    ),
    consumer('export-api-events-dlq', config.EXPORT_API_EVENTS_DLQ_URL, null, async (body) => {
      // An event that kept failing may have met a passing outage: apply it if it is valid at all.
      try {
        await lifecycle.handleJobEvent(parseMessage<JobEventMessage>('JOB_EVENT', body));
      } catch (error) {
        if (!(error instanceof InvalidMessageError)) throw error;
        await lifecycle.failFromDeadLetter(body, 'export-api');
      }
    }),
  ];

  webhooks = new Webhooks(
    {
      retryBaseMs: config.WEBHOOK_RETRY_BASE_SECONDS * 1000,
      pollMs: 1000,
      // Past the sender's own limit, so a lease never runs out while its attempt still runs.
      leaseMs: (config.WEBHOOK_TIMEOUT_SECONDS + 30) * 1000,
      maxInFlight: WEBHOOK_ATTEMPTS_IN_FLIGHT,
    },
    {
      store: deps.webhooks,
      sender: new NodeHttpWebhookSender({
        timeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000,
        allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      }),
      jobs: deps.jobs,
      workspaceFor: (user) => requests.workspaceFor(user),
      logger,
    },
  );
  const koa = new Koa();
  koa.proxy = true;
  koa.use(renderErrors(logger));
  koa.use(
    webApp({
      ...(config.DEV_SESSION_TOKEN ? { devSessionToken: config.DEV_SESSION_TOKEN } : {}),
      ...(deps.webDir ? { webDir: deps.webDir } : {}),
    }),
  );
  koa.use(apiDocs());
  koa.use(
    authenticate(
      [config.JWT_SECRET, ...(config.JWT_SECRET_PREVIOUS ? [config.JWT_SECRET_PREVIOUS] : [])],
      { maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS },
    ),
  );
  const methodNotAllowed = () =>
    new AppError('method_not_allowed', 'This method is not allowed here.', { status: 405 });
  // Branding takes multipart uploads; every other route takes small JSON bodies.
  const branding = brandingRoutes(
    new BrandingService(deps.workspaces, new SharpLogoRasterizer(), deps.s3, config.EXPORTS_BUCKET),
  );
  koa.use(branding.routes());
  koa.use(branding.allowedMethods({ throw: true, methodNotAllowed }));
  koa.use(
    koaBody({
      json: true,
      jsonLimit: JSON_BODY_LIMIT,
      multipart: false,
      urlencoded: false,
      text: false,
    }),
  );
  const summary = summaryRoute(
    requests,
    currencies,
    config.REPORT_BUILDER_URL,
    config.INTERNAL_TOKEN_SECRET,
  );
  koa.use(summary.routes());
  koa.use(summary.allowedMethods({ throw: true, methodNotAllowed }));
  const router = exportRoutes(requests, currencies);
  koa.use(router.routes());
  koa.use(router.allowedMethods({ throw: true, methodNotAllowed }));
  const workspace = workspaceRoutes(requests);
  koa.use(workspace.routes());
  koa.use(workspace.allowedMethods({ throw: true, methodNotAllowed }));
  const hooks = webhookRoutes(webhooks);
  koa.use(hooks.routes());
  koa.use(hooks.allowedMethods({ throw: true, methodNotAllowed }));
  // Last: a body in the {error} shape, left as a 404 so the routers' allowedMethods above can
  // still turn a known path with another method into a 405.
  koa.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'not_found', message: `Nothing at ${ctx.method} ${ctx.path}.` } };
  });

  let server: Server | null = null;
  let ops: Awaited<ReturnType<typeof startOpsServer>> | null = null;
  let reconciler: NodeJS.Timeout | null = null;

  return {
    koa,
    requests,
    lifecycle,
    /** Starts the consumers, the reconciler, the API and ops servers; resolves with their ports. */
    async start(
      port = config.PORT,
      opsPort = config.OPS_PORT,
    ): Promise<{ port: number; opsPort: number }> {
      for (const c of consumers) c.start();
      webhooks!.start();
      reconciler = setInterval(() => {
        lifecycle
          .reconcile()
          .then((r) => (r.resent || r.failed) && logger.info(r, 'reconciled stale jobs'))
          .then(() => webhooks!.announceMissed())
          .then((n) => n && logger.info({ jobs: n }, 'job ends announced late to webhooks'))
          .catch((err: unknown) => logger.error({ err }, 'reconcile failed'));
      }, config.RECONCILE_INTERVAL_SECONDS * 1000);
      ops = await startOpsServer(opsPort, config.OPS_HOST, {
        registry: metrics.registry,
        metricsToken: config.OPS_TOKEN,
        logger,
        readiness: {
          checks: {
            job_store: () => deps.jobs.ping(),
            ...awsReadinessChecks(deps, {
              queueUrl: config.EXPORT_JOBS_QUEUE_URL,
              bucket: config.EXPORTS_BUCKET,
            }),
          },
        },
      });
      server = await listenWithTimeouts(koa, port, config.HOST);
      const bound = (server.address() as { port: number }).port;
      logger.info({ port: bound, ops_port: ops.port }, 'export-api listening');
      return { port: bound, opsPort: ops.port };
    },
    /** Stops taking requests and messages, lets in-flight work finish. */
    async stop(): Promise<void> {
      if (reconciler) clearInterval(reconciler);
      await Promise.all([
        ...consumers.map((c) => c.stop()),
        webhooks!.stop(),
        server ? closeServer(server) : undefined,
        ops?.close(),
      ]);
      if (signingS3 !== deps.s3) signingS3.destroy();
    },
  };
}
