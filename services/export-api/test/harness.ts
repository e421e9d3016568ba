import { PublishCommand } from '@aws-sdk/client-sns';
import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  type AwsClients,
} from '@wevion/shared';
import {
  LOCAL_CREDENTIALS,
  startLocalEmulators,
  type LocalEmulators,
} from '@wevion/infra/local-emulators.ts';
import { provision } from '@wevion/infra/provision.ts';
import { signDevToken } from '@wevion/infra/local-system.ts';
import { queueDrained } from '@wevion/testing/queues.ts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsAdapters } from '../src/adapters/aws-adapters.ts';
import { createEdgeAdapters } from '../src/adapters/edge-adapters.ts';
import { openSqlite } from '../src/adapters/sqlite-database.ts';
import { SqliteJobStore } from '../src/adapters/sqlite-job-store.ts';
import { SqliteScheduleStore } from '../src/adapters/sqlite-schedule-store.ts';
import { SqliteWebhookStore } from '../src/adapters/sqlite-webhook-store.ts';
import { SqliteWorkspaceStore } from '../src/adapters/sqlite-workspace-store.ts';
import { createApp } from '../src/app.ts';
import { loadExportApiConfig, type ExportApiConfig } from '../src/config.ts';
import { DEMO_WORKSPACES, kumoHistory } from '../src/demo-workspaces.ts';

export const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';
export const INTERNAL_TOKEN_SECRET = 'internal-secret-between-the-services-only!';
export const OPS_TOKEN = 'ops-token-for-prometheus';

export interface Harness {
  app: ReturnType<typeof createApp>;
  /** Where the API and ops servers listen (loopback, random ports). */
  ports: { port: number; opsPort: number };
  config: Readonly<ExportApiConfig>;
  /** Every provisioned resource (queue URLs, topic ARN, bucket). */
  resources: Record<string, string>;
  clients: AwsClients;
  jobs: SqliteJobStore;
  workspaces: SqliteWorkspaceStore;
  schedules: SqliteScheduleStore;
  token(workspace: string, role?: string): Promise<string>;
  /** Resolves once a queue holds no message, visible or in flight (everything sent was handled). */
  drained(queueUrl: string): Promise<void>;
  /** Publishes a JOB_EVENT to the topic as a worker would (workspace ws_acme unless given). */
  publishEvent(event: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * export-api against real emulators (fauxqs, s3rver) and an in-memory SQLite store seeded with
 * the demo workspaces; consumers started, HTTP served through `app.koa`.
 */
export async function startHarness(
  env: Record<string, string> = {},
  options: { clock?: () => Date } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'wevion-api-'));
  const emulators: LocalEmulators = await startLocalEmulators({
    sqsPort: 0,
    s3Port: 0,
    s3Directory: dir,
  });
  const clients = createAwsClients(
    { AWS_REGION: 'us-east-1', ...emulators.env },
    LOCAL_CREDENTIALS,
  );
  const { env: resources } = await provision(clients, { prefix: `t${randomUUID().slice(0, 8)}-` });
  // Report-builder is down: its port is held by a server that drops every connection, so summary
  // calls fail the way an outage would. A port found free and let go could be handed to another
  // server of the run, which would answer instead (once this test got export-api's own 401).
  const reportBuilderDown = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => reportBuilderDown.listen(0, '127.0.0.1', resolve));
  const config = loadExportApiConfig({
    ...emulators.env,
    ...resources,
    JWT_SECRET,
    INTERNAL_TOKEN_SECRET,
    OPS_TOKEN,
    QUEUE_WAIT_SECONDS: '1',
    HOST: '127.0.0.1',
    REPORT_BUILDER_URL: `http://127.0.0.1:${(reportBuilderDown.address() as AddressInfo).port}`,
    RECONCILE_INTERVAL_SECONDS: '3600',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const db = openSqlite(':memory:');
  const jobs = new SqliteJobStore(db);
  const workspaces = new SqliteWorkspaceStore(db);
  for (const workspace of DEMO_WORKSPACES) await workspaces.upsert(workspace);
  for (const job of kumoHistory(new Date())) await jobs.create(job);
  const webhooks = new SqliteWebhookStore(db);
  const schedules = new SqliteScheduleStore(db);
  const logger = createLogger('export-api-test', 'silent');
  const metrics = createMetrics('export-api');
  const adapters = createAwsAdapters(config, clients, { logger, metrics });
  const app = createApp(config, {
    jobs,
    workspaces,
    webhooks,
    schedules,
    ...adapters,
    ...createEdgeAdapters(config),
    logger,
    metrics,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const ports = await app.start(0, 0);
  return {
    app,
    ports,
    config,
    resources,
    clients,
    jobs,
    workspaces,
    schedules,
    token: (workspace, role = 'admin') =>
      signDevToken(JWT_SECRET, { sub: 'user_test', workspace_id: workspace, role }),
    drained: (queueUrl) => queueDrained(clients.sqs, queueUrl),
    publishEvent: (event) =>
      clients.sns.send(
        new PublishCommand({
          TopicArn: resources.EXPORT_EVENTS_TOPIC_ARN,
          Message: JSON.stringify({
            type: 'JOB_EVENT',
            version: 1,
            workspace_id: 'ws_acme',
            at: new Date().toISOString(),
            ...event,
          }),
        }),
      ),
    async close() {
      await app.stop();
      adapters.close();
      destroyAwsClients(clients);
      await emulators.stop();
      await jobs.close();
      await new Promise((resolve) => reportBuilderDown.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { eventually } from '@wevion/testing/polling.ts';
