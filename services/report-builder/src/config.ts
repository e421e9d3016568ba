import {
  awsEnvironment,
  internalTokenSecret,
  loadConfig,
  opsEnvironment,
  workerEnvironment,
  type AwsEnvironment,
  type OpsEnvironment,
  type WorkerEnvironment,
} from '@wevion/shared';
import Joi from 'joi';

/**
 * DuckDB's default memory cap: an export's parts fit in it (docs/operations.md). The benchmarks
 * read it from here, so they measure what the service runs with.
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '48MB';

export interface ReportBuilderConfig extends AwsEnvironment, OpsEnvironment, WorkerEnvironment {
  EXPORT_JOBS_QUEUE_URL: string;
  EXPORT_JOBS_DLQ_URL: string;
  RENDER_JOBS_QUEUE_URL: string;
  EXPORT_EVENTS_TOPIC_ARN: string;
  EXPORTS_BUCKET: string;
  /** Verifies export-api's calls to /internal/summary. */
  INTERNAL_TOKEN_SECRET: string;
  /** Set for MongoDB insights (production); otherwise the DuckDB file. */
  MONGODB_URI?: string;
  INSIGHTS_DUCKDB_PATH: string;
  /** DuckDB's memory cap (its buffer pool and operators; beyond it, it spills to `<path>.tmp`). */
  INSIGHTS_DUCKDB_MEMORY_LIMIT: string;
  INSIGHTS_DUCKDB_THREADS: number;
}

export function loadReportBuilderConfig(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<ReportBuilderConfig> {
  return loadConfig<ReportBuilderConfig>(
    Joi.object({
      ...awsEnvironment,
      ...opsEnvironment(8081),
      ...workerEnvironment(120),
      EXPORT_JOBS_QUEUE_URL: Joi.string().uri().required(),
      EXPORT_JOBS_DLQ_URL: Joi.string().uri().required(),
      RENDER_JOBS_QUEUE_URL: Joi.string().uri().required(),
      EXPORT_EVENTS_TOPIC_ARN: Joi.string().required(),
      EXPORTS_BUCKET: Joi.string().required(),
      INTERNAL_TOKEN_SECRET: internalTokenSecret,
      MONGODB_URI: Joi.string().uri({ scheme: ['mongodb', 'mongodb+srv'] }),
      INSIGHTS_DUCKDB_PATH: Joi.string().default('data/insights.duckdb'),
      // Without a cap DuckDB keeps up to 80 % of the machine's RAM of the file cached, so a
      // worker's memory would grow with the data it has read rather than with its work.
      INSIGHTS_DUCKDB_MEMORY_LIMIT: Joi.string()
        .pattern(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i)
        .default(DEFAULT_DUCKDB_MEMORY_LIMIT),
      INSIGHTS_DUCKDB_THREADS: Joi.number().integer().min(1).max(64).default(2),
    }),
    env,
  );
}
