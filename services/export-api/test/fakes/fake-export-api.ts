import { createLogger, createMetrics } from '@wevion/shared';
import { signDevToken } from '@wevion/infra/local-system.ts';
import { createApp } from '../../src/app.ts';
import { loadExportApiConfig } from '../../src/config.ts';
import { DEMO_WORKSPACES } from '../../src/demo-workspaces.ts';
import { InMemoryJobStore } from './in-memory-job-store.ts';
import { InMemoryScheduleStore } from './in-memory-schedule-store.ts';
import { InMemoryWebhookStore } from './in-memory-webhook-store.ts';
import { InMemoryWorkspaceStore } from './in-memory-workspace-store.ts';
import {
  FakeDownloadSigner,
  FakeLogoRasterizer,
  pushedInboxes,
  RecordingCancellations,
  RecordingExportFiles,
  RecordingExportQueue,
  RecordingLogoStore,
  RecordingWebhookSender,
} from './recording-ports.ts';

const JWT_SECRET = 'unit-secret-unit-secret-unit-secret!!';
const UNUSED = 'http://127.0.0.1:9/unused';

/**
 * export-api's `createApp` wired to a fake of every port: no emulator, no network. Requests go
 * through `koa.callback()`; queue messages are pushed by the test.
 */
export function fakeExportApi(env: Record<string, string> = {}, clock?: () => Date) {
  const ports = {
    jobs: new InMemoryJobStore(),
    workspaces: new InMemoryWorkspaceStore(DEMO_WORKSPACES),
    webhooks: new InMemoryWebhookStore(),
    schedules: new InMemoryScheduleStore(),
    queue: new RecordingExportQueue(),
    files: new RecordingExportFiles(),
    signer: new FakeDownloadSigner(),
    cancellations: new RecordingCancellations(),
    logos: new RecordingLogoStore(),
    rasterizer: new FakeLogoRasterizer(),
    webhookSender: new RecordingWebhookSender(),
    inboxes: pushedInboxes(),
    readiness: {},
  };
  const config = loadExportApiConfig({
    JWT_SECRET,
    INTERNAL_TOKEN_SECRET: 'internal-unit-secret-internal-unit-secret',
    EXPORT_JOBS_QUEUE_URL: UNUSED,
    EXPORT_JOBS_DLQ_URL: UNUSED,
    RENDER_JOBS_DLQ_URL: UNUSED,
    EXPORT_API_EVENTS_QUEUE_URL: UNUSED,
    EXPORT_API_EVENTS_DLQ_URL: UNUSED,
    EXPORTS_BUCKET: 'unit',
    OPS_TOKEN: 'unit-ops-token-unit-ops-token',
    HOST: '127.0.0.1',
    OPS_HOST: '127.0.0.1',
    RECONCILE_INTERVAL_SECONDS: '3600',
    WEBHOOK_RETRY_BASE_SECONDS: '0.05',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = createApp(config, {
    ...ports,
    logger: createLogger('export-api-unit', 'silent'),
    metrics: createMetrics('export-api'),
    ...(clock ? { clock } : {}),
  });
  return {
    ...ports,
    app,
    token: (workspace: string, role = 'admin') =>
      signDevToken(JWT_SECRET, { sub: 'user_unit', workspace_id: workspace, role }),
  };
}
