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
    }),
    env,
  );
}
