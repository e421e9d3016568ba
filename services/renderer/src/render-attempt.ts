import {
  exportFileKey,
  type CancellationCheck,
  type JobEventFields,
  type JobEventPublisher,
  type Logger,
  type RenderReportMessage,
  type ServiceMetrics,
} from '@wevion/shared';
import { randomUUID } from 'node:crypto';
import type {
  ClaimCheckReader,
  ExportFileStore,
  LogoReader,
  PdfPrinter,
  ReportTemplate,
} from './ports.ts';

/** What rendering works through: the renderer's ports. */
export interface RenderDeps {
  printer: PdfPrinter;
  template: ReportTemplate;
  claimChecks: ClaimCheckReader;
  files: ExportFileStore;
  logos: LogoReader;
  events: JobEventPublisher;
  cancellations: CancellationCheck;
  logger: Logger;
  metrics: ServiceMetrics;
}

/**
 * One key per render attempt, so no attempt can overwrite a file a job already points at: the
 * COMPLETED event names its key, export-api records the first and deletes any later one.
 */
export const exportKey = (message: RenderReportMessage, filename: string) =>
  exportFileKey(message.workspace_id, message.job_id, randomUUID(), filename);

/** One rendering of one message: what to render, and how it reports. */
export interface RenderAttempt {
  message: RenderReportMessage;
  claimCheck: AsyncIterable<string>;
  signal: AbortSignal;
  event: (fields: JobEventFields) => Promise<void>;
}
