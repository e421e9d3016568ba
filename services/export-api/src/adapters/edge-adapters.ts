import type { ExportApiConfig } from '../config.ts';
import { NodeHttpWebhookSender } from './node-http-webhook-sender.ts';
import { SharpLogoRasterizer } from './sharp-logo-rasterizer.ts';

/** The adapters for what tenants send and receive: logos drawn, webhook deliveries sent. */
export function createEdgeAdapters(config: Readonly<ExportApiConfig>) {
  return {
    rasterizer: new SharpLogoRasterizer(),
    webhookSender: new NodeHttpWebhookSender({
      timeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000,
      allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    }),
  };
}
