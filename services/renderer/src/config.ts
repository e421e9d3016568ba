import { awsEnvironment, type AwsEnvironment, loadConfig } from '@wevion/shared';
import Joi from 'joi';

export interface RendererConfig extends AwsEnvironment {
  OPS_PORT: number;
  RENDER_JOBS_QUEUE_URL: string;
  EXPORT_EVENTS_TOPIC_ARN: string;
  EXPORTS_BUCKET: string;
  CONCURRENCY: number;
  QUEUE_WAIT_SECONDS: number;
}

export function loadRendererConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RendererConfig> {
  return loadConfig<RendererConfig>(
    Joi.object({
      ...awsEnvironment,
      OPS_PORT: Joi.number().port().default(8082),
      RENDER_JOBS_QUEUE_URL: Joi.string().uri().required(),
      EXPORT_EVENTS_TOPIC_ARN: Joi.string().required(),
      EXPORTS_BUCKET: Joi.string().required(),
      CONCURRENCY: Joi.number().integer().min(1).max(16).default(2),
      QUEUE_WAIT_SECONDS: Joi.number().integer().min(0).max(20).default(20),
    }),
    env,
  );
}
