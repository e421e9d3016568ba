import {
  createAwsClients,
  createLogger,
  createMetrics,
  destroyAwsClients,
  exitOnUnhandled,
  stopOnSignals,
} from '@wevion/shared';
import { createAwsAdapters } from './adapters/aws-adapters.ts';
import { ChromiumPdfPrinter } from './adapters/chromium-pdf-printer.ts';
import { HandlebarsReportTemplate } from './adapters/handlebars-report-template.ts';
import { createApp } from './app.ts';
import { loadRendererConfig } from './config.ts';

const config = loadRendererConfig();
const logger = createLogger('renderer', config.LOG_LEVEL);
exitOnUnhandled(logger);
const aws = createAwsClients(config);
const printer = new ChromiumPdfPrinter({
  ...(config.CHROMIUM_PATH ? { executablePath: config.CHROMIUM_PATH } : {}),
  concurrency: config.PDF_CONCURRENCY,
  relaunchAfter: config.CHROMIUM_RELAUNCH_AFTER,
  timeoutMs: config.PDF_TIMEOUT_SECONDS * 1000,
  logger,
});

const metrics = createMetrics('renderer');
const app = createApp(config, {
  printer,
  // main.ts sits one level below the package in src/ and in dist/ alike.
  template: new HandlebarsReportTemplate(new URL('../templates/', import.meta.url).pathname),
  ...createAwsAdapters(config, aws, { logger, metrics }),
  logger,
  metrics,
});
await app.start();

stopOnSignals(logger, async () => {
  await app.stop();
  await printer.close();
  destroyAwsClients(aws);
});
