import {
  awsEnvironment,
  type AwsEnvironment,
  ECB_REFERENCE_CURRENCIES,
  loadConfig,
} from '@wevion/shared';
import Joi from 'joi';

const schema = Joi.object({
  ...awsEnvironment,
  PORT: Joi.number().port().default(8080),
  /** Interface to listen on (all by default; the local launcher uses 127.0.0.1). */
  HOST: Joi.string().default('0.0.0.0'),
  /** Local mode only: the token /analytics/session hands the page (never set in production). */
  DEV_SESSION_TOKEN: Joi.string(),
  /** report-builder's internal endpoint for the on-screen summary. */
  REPORT_BUILDER_URL: Joi.string().uri().default('http://127.0.0.1:8081'),
  /** HS256 secret shared with the platform that issues user tokens. */
  JWT_SECRET: Joi.string().min(32).required(),
  ENABLE_CROSS_CHANNEL_ANALYTICS: Joi.boolean().truthy('1').falsy('0').default(true),
  /** Set for MongoDB (production); otherwise jobs live in SQLITE_PATH. */
  MONGODB_URI: Joi.string().uri({ scheme: ['mongodb', 'mongodb+srv'] }),
  SQLITE_PATH: Joi.string().default('data/export-api.sqlite'),
  EXPORT_JOBS_QUEUE_URL: Joi.string().uri().required(),
  EXPORT_JOBS_DLQ_URL: Joi.string().uri().required(),
  RENDER_JOBS_DLQ_URL: Joi.string().uri().required(),
  EXPORT_API_EVENTS_QUEUE_URL: Joi.string().uri().required(),
  EXPORT_API_EVENTS_DLQ_URL: Joi.string().uri().required(),
  EXPORTS_BUCKET: Joi.string().required(),
  DOWNLOAD_URL_TTL_SECONDS: Joi.number().integer().min(60).max(604_800).default(900),
  /** Comma-separated; defaults to the ECB reference set. report-builder re-checks against its FX table. */
  SUPPORTED_CURRENCIES: Joi.string()
    .pattern(/^[A-Z]{3}(,[A-Z]{3})*$/)
    .default(ECB_REFERENCE_CURRENCIES.join(',')),
  RECONCILE_INTERVAL_SECONDS: Joi.number().min(1).default(30),
  PENDING_GRACE_SECONDS: Joi.number().min(1).default(120),
  MAX_ENQUEUE_ATTEMPTS: Joi.number().integer().min(1).default(5),
  RUNNING_TIMEOUT_SECONDS: Joi.number().min(10).default(900),
  /** SQS long-poll wait; tests shorten it so shutdown is quick. */
  QUEUE_WAIT_SECONDS: Joi.number().integer().min(0).max(20).default(20),
});

export interface ExportApiConfig extends AwsEnvironment {
  PORT: number;
  HOST: string;
  DEV_SESSION_TOKEN?: string;
  REPORT_BUILDER_URL: string;
  JWT_SECRET: string;
  ENABLE_CROSS_CHANNEL_ANALYTICS: boolean;
  MONGODB_URI?: string;
  SQLITE_PATH: string;
  EXPORT_JOBS_QUEUE_URL: string;
  EXPORT_JOBS_DLQ_URL: string;
  RENDER_JOBS_DLQ_URL: string;
  EXPORT_API_EVENTS_QUEUE_URL: string;
  EXPORT_API_EVENTS_DLQ_URL: string;
  EXPORTS_BUCKET: string;
  DOWNLOAD_URL_TTL_SECONDS: number;
  SUPPORTED_CURRENCIES: string;
  RECONCILE_INTERVAL_SECONDS: number;
  PENDING_GRACE_SECONDS: number;
  MAX_ENQUEUE_ATTEMPTS: number;
  RUNNING_TIMEOUT_SECONDS: number;
  QUEUE_WAIT_SECONDS: number;
}

export function loadExportApiConfig(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<ExportApiConfig> {
  return loadConfig<ExportApiConfig>(schema, env);
}
