import {
  awsEnvironment,
  ECB_REFERENCE_CURRENCIES,
  internalTokenSecret,
  loadConfig,
  opsEnvironment,
  type AwsEnvironment,
  type OpsEnvironment,
} from '@wevion/shared';
import Joi from 'joi';

const schema = Joi.object({
  ...awsEnvironment,
  ...opsEnvironment(8083),
  NODE_ENV: Joi.string().default('development'),
  PORT: Joi.number().port().default(8080),
  /** Interface of the public API (all by default; the local launcher uses 127.0.0.1). */
  HOST: Joi.string().default('0.0.0.0'),
  /**
   * Local mode only: the token /analytics/session hands the page. It signs anyone in, so a
   * production process refuses to start with it.
   */
  DEV_SESSION_TOKEN: Joi.string().when('NODE_ENV', {
    is: 'production',
    then: Joi.forbidden().messages({
      'any.unknown': 'DEV_SESSION_TOKEN must not be set when NODE_ENV=production',
    }),
  }),
  /** report-builder's internal endpoint for the on-screen summary. */
  REPORT_BUILDER_URL: Joi.string().uri().default('http://127.0.0.1:8081'),
  /** Signs export-api's calls to report-builder's internal summary. */
  INTERNAL_TOKEN_SECRET: internalTokenSecret,
  /** HS256 secret shared with the platform that issues user tokens. */
  JWT_SECRET: Joi.string().min(32).required(),
  /** During a rotation: the secret being retired, still accepted until its tokens expire. */
  JWT_SECRET_PREVIOUS: Joi.string().min(32),
  /** User tokens valid for longer than this (exp − iat) are refused. */
  JWT_MAX_LIFETIME_SECONDS: Joi.number().integer().min(60).default(86_400),
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
  /**
   * The S3 endpoint written into download links, when browsers reach S3 at another address than
   * this service does (docker compose: the emulator published on the host). Unset on AWS.
   */
  S3_PUBLIC_ENDPOINT_URL: Joi.string().uri(),
  /** Comma-separated; defaults to the ECB reference set. report-builder re-checks against its FX table. */
  SUPPORTED_CURRENCIES: Joi.string()
    .pattern(/^[A-Z]{3}(,[A-Z]{3})*$/)
    .default(ECB_REFERENCE_CURRENCIES.join(',')),
  RECONCILE_INTERVAL_SECONDS: Joi.number().min(1).default(30),
  PENDING_GRACE_SECONDS: Joi.number().min(1).default(120),
  /** How often each export-api task looks for due schedules (jittered by up to a fifth). */
  SCHEDULE_TICK_SECONDS: Joi.number().min(0.1).max(60).default(15),
  MAX_ENQUEUE_ATTEMPTS: Joi.number().integer().min(1).default(5),
  RUNNING_TIMEOUT_SECONDS: Joi.number().min(10).default(900),
  /** SQS long-poll wait; tests shorten it so shutdown is quick. */
  QUEUE_WAIT_SECONDS: Joi.number().integer().min(0).max(20).default(20),
  /** Webhooks to loopback, private and link-local addresses: for local development only. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Joi.boolean().truthy('1').falsy('0').default(false),
  /** The first retry's wait; each later one doubles, up to an hour, for about a day. */
  WEBHOOK_RETRY_BASE_SECONDS: Joi.number().min(0.05).default(30),
  WEBHOOK_TIMEOUT_SECONDS: Joi.number().min(1).max(60).default(10),
});

export interface ExportApiConfig extends AwsEnvironment, OpsEnvironment {
  NODE_ENV: string;
  PORT: number;
  HOST: string;
  DEV_SESSION_TOKEN?: string;
  REPORT_BUILDER_URL: string;
  INTERNAL_TOKEN_SECRET: string;
  JWT_SECRET: string;
  JWT_SECRET_PREVIOUS?: string;
  JWT_MAX_LIFETIME_SECONDS: number;
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
  S3_PUBLIC_ENDPOINT_URL?: string;
  SUPPORTED_CURRENCIES: string;
  RECONCILE_INTERVAL_SECONDS: number;
  PENDING_GRACE_SECONDS: number;
  SCHEDULE_TICK_SECONDS: number;
  MAX_ENQUEUE_ATTEMPTS: number;
  RUNNING_TIMEOUT_SECONDS: number;
  QUEUE_WAIT_SECONDS: number;
  WEBHOOK_ALLOW_PRIVATE_TARGETS: boolean;
  WEBHOOK_RETRY_BASE_SECONDS: number;
  WEBHOOK_TIMEOUT_SECONDS: number;
}

export function loadExportApiConfig(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<ExportApiConfig> {
  return loadConfig<ExportApiConfig>(schema, env);
}
