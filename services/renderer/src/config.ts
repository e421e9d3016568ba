import {
  awsEnvironment,
  loadConfig,
  opsEnvironment,
  workerEnvironment,
  type AwsEnvironment,
  type OpsEnvironment,
  type WorkerEnvironment,
} from '@wevion/shared';
import Joi from 'joi';

export interface RendererConfig extends AwsEnvironment, OpsEnvironment, WorkerEnvironment {
  RENDER_JOBS_QUEUE_URL: string;
  RENDER_JOBS_DLQ_URL: string;
  EXPORT_EVENTS_TOPIC_ARN: string;
  EXPORTS_BUCKET: string;
  CHROMIUM_PATH?: string;
  PDF_CONCURRENCY: number;
  PDF_TIMEOUT_SECONDS: number;
  CHROMIUM_RELAUNCH_AFTER: number;
}

export function loadRendererConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RendererConfig> {
  return loadConfig<RendererConfig>(
    Joi.object({
      ...awsEnvironment,
      ...opsEnvironment(8082),
      ...workerEnvironment(180),
      RENDER_JOBS_QUEUE_URL: Joi.string().uri().required(),
      RENDER_JOBS_DLQ_URL: Joi.string().uri().required(),
      EXPORT_EVENTS_TOPIC_ARN: Joi.string().required(),
      EXPORTS_BUCKET: Joi.string().required(),
      /** Another Chromium instead of @sparticuz/chromium's. */
      CHROMIUM_PATH: Joi.string(),
      PDF_CONCURRENCY: Joi.number().integer().min(1).max(8).default(2),
      PDF_TIMEOUT_SECONDS: Joi.number().min(5).max(600).default(60),
      CHROMIUM_RELAUNCH_AFTER: Joi.number().integer().min(1).default(200),
    }),
    env,
  );
}
