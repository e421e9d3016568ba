import Joi from 'joi';
import { AppError } from './errors.ts';
import type { CsvLayout } from './api-contract.ts';
import {
  JOB_WARNING_CODES,
  PROGRESS_STAGES,
  type JobStatus,
  type JobWarningCode,
  type ProgressStage,
} from './api-contract.ts';
import { EXPORT_FORMATS, type ExportFormat } from './export-formats.ts';
import { isClaimCheckOf } from './object-keys.ts';
import type { ReportQuery } from './report-query.ts';

/**
 * The bus contract: every message is JSON with `type` and `version`, validated when sent and
 * when received. These schemas are the only coupling between the services.
 */

export interface RenderOptions {
  /** Start the CSV with a UTF-8 byte-order mark so Excel picks the right encoding. */
  csv_bom: boolean;
}

export interface WorkspaceBranding {
  logo_key: string | null;
  primary_color: string | null;
  secondary_color: string | null;
}

/** What a renderer needs to know about the workspace, carried in the message (no lookups). */
export interface WorkspaceCard {
  name: string;
  branding: WorkspaceBranding | null;
}

export interface ExportUnifiedReportMessage {
  type: 'EXPORT_UNIFIED_REPORT';
  version: 1;
  job_id: string;
  workspace_id: string;
  format: ExportFormat;
  query: ReportQuery;
  /** The CSV's shape; `null` for a PDF. */
  csv: CsvLayout | null;
  options: RenderOptions;
  workspace: WorkspaceCard;
  requested_at: string;
}

export interface RenderReportMessage {
  type: 'RENDER_REPORT';
  version: 1;
  job_id: string;
  workspace_id: string;
  format: ExportFormat;
  /**
   * S3 key of the claim check: gzip NDJSON export rows for a CSV, the gzip JSON ReportDataset
   * for a PDF.
   */
  dataset_key: string;
  /** How many rows the CSV claim check holds, so rendering can report its progress. */
  dataset_rows?: number;
  /** What the user should know about the data (an empty range), passed on to COMPLETED. */
  warnings?: JobWarning[];
  options: RenderOptions;
  workspace: WorkspaceCard;
}

/** Something a finished export's user should know; the file is still the file asked for. */
export interface JobWarning {
  code: JobWarningCode;
  message: string;
}

export interface JobProgress {
  stage: ProgressStage;
  percent: number;
  /** CSV rows written so far in this stage (aggregating: by report-builder; rendering: into the file). */
  rows?: number;
}

export interface JobFile {
  key: string;
  bytes: number;
  rows: number;
  sha256: string;
  content_type: string;
}

export interface JobError {
  code: string;
  message: string;
}

export interface JobEventMessage {
  type: 'JOB_EVENT';
  version: 1;
  job_id: string;
  workspace_id: string;
  status: Exclude<JobStatus, 'PENDING'>;
  at: string;
  progress?: JobProgress;
  file?: JobFile;
  error?: JobError;
  warnings?: JobWarning[];
}

export type BusMessage = ExportUnifiedReportMessage | RenderReportMessage | JobEventMessage;

const jobId = Joi.string().guid({ version: 'uuidv4' }).required();
const workspaceId = Joi.string().min(1).max(128).required();
const format = Joi.string()
  .valid(...EXPORT_FORMATS)
  .required();
const options = Joi.object({ csv_bom: Joi.boolean().required() }).required();
const warnings = Joi.array()
  .items(
    Joi.object({
      code: Joi.string()
        .valid(...JOB_WARNING_CODES)
        .required(),
      message: Joi.string().max(500).required(),
    }),
  )
  .max(JOB_WARNING_CODES.length);
const color = Joi.string()
  .pattern(/^#[0-9a-fA-F]{6}$/)
  .allow(null);
const workspace = Joi.object({
  name: Joi.string().min(1).max(200).required(),
  branding: Joi.object({
    logo_key: Joi.string().max(512).allow(null).required(),
    primary_color: color.required(),
    secondary_color: color.required(),
  })
    .allow(null)
    .required(),
}).required();

const schemas: Record<BusMessage['type'], Joi.ObjectSchema> = {
  EXPORT_UNIFIED_REPORT: Joi.object({
    type: Joi.string().valid('EXPORT_UNIFIED_REPORT').required(),
    version: Joi.number().valid(1).required(),
    job_id: jobId,
    workspace_id: workspaceId,
    format,
    // Field rules need the FX table; report-builder applies them with parseReportQuery.
    query: Joi.object().unknown(true).required(),
    // Likewise the CSV layout: report-builder validates it with parseCsvLayout.
    csv: Joi.object().unknown(true).allow(null).required(),
    options,
    workspace,
    requested_at: Joi.string().isoDate().required(),
  }),
  RENDER_REPORT: Joi.object({
    type: Joi.string().valid('RENDER_REPORT').required(),
    version: Joi.number().valid(1).required(),
    job_id: jobId,
    workspace_id: workspaceId,
    format,
    // Only this job's own claim check is read: a forged message cannot point the renderer at
    // another object, nor at another job's or workspace's data.
    dataset_key: Joi.string()
      .pattern(/^datasets\/[\w./-]+$/)
      .max(1024)
      .required()
      .custom((key: string, helpers) => {
        const { workspace_id: workspaceId, job_id: jobId } = helpers.state.ancestors[0] as {
          workspace_id: string;
          job_id: string;
        };
        return isClaimCheckOf(key, workspaceId, jobId) ? key : helpers.error('any.invalid');
      })
      .messages({ 'any.invalid': '"dataset_key" is not this job\'s claim check' }),
    dataset_rows: Joi.number().integer().min(0),
    warnings,
    options,
    workspace,
  }),
  JOB_EVENT: Joi.object({
    type: Joi.string().valid('JOB_EVENT').required(),
    version: Joi.number().valid(1).required(),
    job_id: jobId,
    workspace_id: workspaceId,
    status: Joi.string().valid('RUNNING', 'COMPLETED', 'FAILED').required(),
    at: Joi.string().isoDate().required(),
    progress: Joi.object({
      stage: Joi.string()
        .valid(...PROGRESS_STAGES)
        .required(),
      percent: Joi.number().min(0).max(100).required(),
      rows: Joi.number().integer().min(0),
    }),
    file: Joi.object({
      key: Joi.string().required(),
      bytes: Joi.number().integer().min(0).required(),
      rows: Joi.number().integer().min(0).required(),
      sha256: Joi.string().hex().length(64).required(),
      content_type: Joi.string().required(),
    }).when('status', { is: 'COMPLETED', then: Joi.required() }),
    error: Joi.object({
      code: Joi.string().max(100).required(),
      message: Joi.string().max(2000).required(),
    }).when('status', { is: 'FAILED', then: Joi.required() }),
    warnings,
  }),
};

/** A message that can never be processed: its consumer leaves it for the dead-letter queue. */
export class InvalidMessageError extends AppError {
  constructor(message: string) {
    super('invalid_message', message, { status: 400 });
  }
}

export function validateMessage<T extends BusMessage>(type: T['type'], message: unknown): T {
  const { value, error } = schemas[type].validate(message, { abortEarly: true, convert: false });
  if (error) throw new InvalidMessageError(`${type} message rejected: ${error.message}`);
  return value as T;
}

/** Parses and validates a received body against the one type a queue carries. */
export function parseMessage<T extends BusMessage>(type: T['type'], body: string | undefined): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new InvalidMessageError(`${type} message rejected: the body is not JSON`);
  }
  return validateMessage<T>(type, parsed);
}

/** Best effort: the job a broken message belonged to, so its job can still be failed. */
export function jobIdOf(body: string | undefined): string | null {
  try {
    const id = (JSON.parse(body ?? '') as { job_id?: unknown }).job_id;
    return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
  } catch {
    return null;
  }
}
