import {
  closeServer,
  listenWithTimeouts,
  startOpsServer,
  type Logger,
  type ServiceMetrics,
} from '@wevion/shared';
import type { Server } from 'node:http';
import { Gauge } from 'prom-client';
import { BrandingService } from './branding-service.ts';
import type { ExportApiConfig } from './config.ts';
import { ExportRequests } from './export-requests.ts';
import { createHttpApp } from './http/http-app.ts';
import { JobLifecycle } from './job-lifecycle.ts';
import type {
  Cancellations,
  DownloadSigner,
  ExportApiInboxes,
  ExportFiles,
  ExportQueue,
  JobStore,
  LogoRasterizer,
  ScheduleStore,
  LogoStore,
  ReadinessChecks,
  WebhookSender,
  WebhookStore,
  WorkspaceStore,
} from './ports.ts';
import { startInboxes, stopInboxes } from './queue/inboxes.ts';
import { UpkeepLoop } from './upkeep-loop.ts';
import { ScheduleAdmin } from './schedules/schedule-admin.ts';
import { ScheduleRunner } from './schedules/schedule-runner.ts';
import { WebhookAdmin } from './webhooks/webhook-admin.ts';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.ts';
import { WebhookOutbox } from './webhooks/webhook-outbox.ts';
import { WorkspaceAccess } from './workspace-access.ts';

/** Every port export-api works through; `main.ts` builds the adapters. */
export interface ExportApiDeps {
  jobs: JobStore;
  workspaces: WorkspaceStore;
  webhooks: WebhookStore;
  schedules: ScheduleStore;
  queue: ExportQueue;
  files: ExportFiles;
  signer: DownloadSigner;
  cancellations: Cancellations;
  logos: LogoStore;
  rasterizer: LogoRasterizer;
  webhookSender: WebhookSender;
  inboxes: ExportApiInboxes;
  /** What `/readyz` checks besides the job store (queues, bucket). */
  readiness: ReadinessChecks;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Where the built /analytics page lives (`services/export-api/web/`). */
  webDir?: string;
  /** The schedules' clock (when runs are due, "now" for a resume); tests inject one. */
  clock?: () => Date;
}

/**
 * Webhook attempts one process keeps in flight. Each endpoint has at most one, so a workspace
 * (at most 5 endpoints) can hold at most 5 of them, however slowly its receivers answer.
 */
const WEBHOOK_ATTEMPTS_IN_FLIGHT = 64;
/**
 * Due schedules one store read returns; a tick reads again while a read comes back full. Jobs
 * alternate between workspaces within a read, so a read holds a whole Monday-morning burst.
 */
const SCHEDULES_PER_READ = 1000;
/** A run that could not start for a day is given up (its idempotency key's window). */
const RUN_GIVE_UP_MS = 24 * 3_600_000;

/** export-api: the HTTP API, the job-event and dead-letter inboxes, webhooks and the reconciler. */
export function createApp(config: Readonly<ExportApiConfig>, deps: ExportApiDeps) {
  const { logger, metrics, clock } = deps;
  const access = new WorkspaceAccess(deps.workspaces, {
    crossChannelEnabled: config.ENABLE_CROSS_CHANNEL_ANALYTICS,
  });
  const dispatcher = new WebhookDispatcher(
    {
      retryBaseMs: config.WEBHOOK_RETRY_BASE_SECONDS * 1000,
      pollMs: 1000,
      // Past the sender's own limit, so a lease never runs out while its attempt still runs.
      leaseMs: (config.WEBHOOK_TIMEOUT_SECONDS + 30) * 1000,
      maxInFlight: WEBHOOK_ATTEMPTS_IN_FLIGHT,
    },
    { store: deps.webhooks, sender: deps.webhookSender, logger },
  );
  const outbox = new WebhookOutbox({
    store: deps.webhooks,
    jobs: deps.jobs,
    onStored: () => dispatcher.wake(),
  });
  const lifecycle = new JobLifecycle(
    {
      pendingGraceSeconds: config.PENDING_GRACE_SECONDS,
      maxEnqueueAttempts: config.MAX_ENQUEUE_ATTEMPTS,
      runningTimeoutSeconds: config.RUNNING_TIMEOUT_SECONDS,
    },
    {
      jobs: deps.jobs,
      workspaces: deps.workspaces,
      queue: deps.queue,
      files: deps.files,
      // Every job's end goes out to the workspace's webhooks, whichever path ended it; a
      // scheduled job's failure counts towards its schedule's streak.
      onJobEnded: async (jobId) => {
        await outbox.jobEnded(jobId);
        await runner.jobEnded(jobId);
      },
      logger,
    },
  );
  const currencies = config.SUPPORTED_CURRENCIES.split(',');
  const requests = new ExportRequests(
    { currencies },
    {
      jobs: deps.jobs,
      access,
      lifecycle,
      signer: deps.signer,
      cancellations: deps.cancellations,
    },
  );
  const runner = new ScheduleRunner(
    {
      crossChannelEnabled: config.ENABLE_CROSS_CHANNEL_ANALYTICS,
      batchSize: SCHEDULES_PER_READ,
      // Creating a job is a store write and a queue send: a run pending a minute lost its task.
      pendingLeaseMs: 60_000,
      giveUpAfterMs: RUN_GIVE_UP_MS,
    },
    {
      schedules: deps.schedules,
      jobs: deps.jobs,
      workspaces: deps.workspaces,
      requests,
      events: outbox,
      ...(clock ? { clock } : {}),
    },
  );
  const koa = createHttpApp(config, {
    requests,
    access,
    webhooks: new WebhookAdmin({ store: deps.webhooks, sender: deps.webhookSender, access }),
    schedules: new ScheduleAdmin({
      schedules: deps.schedules,
      jobs: deps.jobs,
      access,
      runner,
      ...(clock ? { clock } : {}),
    }),
    branding: new BrandingService({
      access,
      workspaces: deps.workspaces,
      rasterizer: deps.rasterizer,
      logos: deps.logos,
    }),
    currencies,
    logger,
    ...(deps.webDir ? { webDir: deps.webDir } : {}),
  });
  const reconciler = new UpkeepLoop(
    config.RECONCILE_INTERVAL_SECONDS * 1000,
    async () => {
      const r = await lifecycle.reconcile();
      if (r.resent || r.failed) logger.info(r, 'reconciled stale jobs');
      const late = await outbox.announceMissed();
      if (late) logger.info({ jobs: late }, 'job ends announced late to webhooks');
    },
    logger,
    { name: 'reconcile round' },
  );

  const scheduler = new UpkeepLoop(
    config.SCHEDULE_TICK_SECONDS * 1000,
    async () => {
      const { fired, repaired } = await runner.tick();
      if (fired || repaired) logger.info({ fired, repaired }, 'schedules fired');
    },
    logger,
    { jitter: 0.2, name: 'schedule round' },
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

  let server: Server | null = null;
  let ops: Awaited<ReturnType<typeof startOpsServer>> | null = null;

  return {
    koa,
    requests,
    lifecycle,
    runner,
    /** Starts the inboxes, webhooks, the reconciler, the API and ops servers; resolves with ports. */
    async start(
      port = config.PORT,
      opsPort = config.OPS_PORT,
    ): Promise<{ port: number; opsPort: number }> {
      startInboxes(deps.inboxes, lifecycle);
      dispatcher.start();
      reconciler.start();
      scheduler.start();
      ops = await startOpsServer(opsPort, config.OPS_HOST, {
        registry: metrics.registry,
        metricsToken: config.OPS_TOKEN,
        logger,
        readiness: { checks: { job_store: () => deps.jobs.ping(), ...deps.readiness } },
      });
      server = await listenWithTimeouts(koa, port, config.HOST);
      const bound = (server.address() as { port: number }).port;
      logger.info({ port: bound, ops_port: ops.port }, 'export-api listening');
      return { port: bound, opsPort: ops.port };
    },
    /** Stops taking requests and messages, and waits for the work in flight to finish. */
    async stop(): Promise<void> {
      await Promise.all([
        stopInboxes(deps.inboxes),
        dispatcher.stop(),
        reconciler.stop(),
        scheduler.stop(),
        server ? closeServer(server) : undefined,
        ops?.close(),
      ]);
    },
  };
}
