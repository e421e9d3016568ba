import { awsEnvironment, type AwsEnvironment, loadConfig } from '@wevion/shared';
import Joi from 'joi';

export interface RendererConfig extends AwsEnvironment {
  OPS_PORT: number;
  OPS_HOST: string;
  RENDER_JOBS_QUEUE_URL: string;
  EXPORT_EVENTS_TOPIC_ARN: string;
  EXPORTS_BUCKET: string;
  CONCURRENCY: number;
  QUEUE_WAIT_SECONDS: number;
  CHROMIUM_PATH?: string;
  PDF_CONCURRENCY: number;
  PDF_TIMEOUT_SECONDS: number;
  CHROMIUM_RELAUNCH_AFTER: number;
}

export function loadRendererConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RendererConfig> {
  return loadConfig<RendererConfig>(
    Joi.object({
      ...awsEnvironment,
      OPS_HOST: Joi.string().default('0.0.0.0'),
      OPS_PORT: Joi.number().port().default(8082),
      RENDER_JOBS_QUEUE_URL: Joi.string().uri().required(),
      EXPORT_EVENTS_TOPIC_ARN: Joi.string().required(),
      EXPORTS_BUCKET: Joi.string().required(),
      CONCURRENCY: Joi.number().integer().min(1).max(16).default(2),
      QUEUE_WAIT_SECONDS: Joi.number().integer().min(0).max(20).default(20),
      /** Another Chromium instead of @sparticuz/chromium's. */
      CHROMIUM_PATH: Joi.string(),
      PDF_CONCURRENCY: Joi.number().integer().min(1).max(8).default(2),
      PDF_TIMEOUT_SECONDS: Joi.number().min(5).max(600).default(60),
      CHROMIUM_RELAUNCH_AFTER: Joi.number().integer().min(1).default(200),
    }),
    env,
  );
}
