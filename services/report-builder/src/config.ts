import { awsEnvironment, type AwsEnvironment, loadConfig } from '@wevion/shared';
import Joi from 'joi';

export interface ReportBuilderConfig extends AwsEnvironment {
  OPS_PORT: number;
  OPS_HOST: string;
  EXPORT_JOBS_QUEUE_URL: string;
  RENDER_JOBS_QUEUE_URL: string;
  EXPORT_EVENTS_TOPIC_ARN: string;
  EXPORTS_BUCKET: string;
  /** Set for MongoDB insights (production); otherwise the DuckDB file. */
  MONGODB_URI?: string;
  INSIGHTS_DUCKDB_PATH: string;
  CONCURRENCY: number;
  QUEUE_WAIT_SECONDS: number;
}

export function loadReportBuilderConfig(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<ReportBuilderConfig> {
  return loadConfig<ReportBuilderConfig>(
    Joi.object({
      ...awsEnvironment,
      OPS_HOST: Joi.string().default('0.0.0.0'),
      OPS_PORT: Joi.number().port().default(8081),
      EXPORT_JOBS_QUEUE_URL: Joi.string().uri().required(),
      RENDER_JOBS_QUEUE_URL: Joi.string().uri().required(),
      EXPORT_EVENTS_TOPIC_ARN: Joi.string().required(),
      EXPORTS_BUCKET: Joi.string().required(),
      MONGODB_URI: Joi.string().uri({ scheme: ['mongodb', 'mongodb+srv'] }),
      INSIGHTS_DUCKDB_PATH: Joi.string().default('data/insights.duckdb'),
      CONCURRENCY: Joi.number().integer().min(1).max(16).default(2),
      QUEUE_WAIT_SECONDS: Joi.number().integer().min(0).max(20).default(20),
    }),
    env,
  );
}
