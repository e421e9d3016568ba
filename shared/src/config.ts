import Joi from 'joi';

/**
 * Reads a service's configuration from the environment once: validated, defaults filled,
 * frozen. A bad or missing variable stops the service at start with every problem listed.
 */
export function loadConfig<T>(
  schema: Joi.ObjectSchema<T>,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<T> {
  // A variable set to nothing is not set (`MONGODB_URI=` in a compose override, say): the
  // field's default or its absence applies, as if it were missing.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const { value, error } = schema.validate(given, {
    abortEarly: false,
    allowUnknown: true,
    stripUnknown: true,
    convert: true,
  });
  if (error) {
    const problems = error.details.map((d) => `  ${d.path.join('.')}: ${d.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return Object.freeze(value);
}

/** What `awsEnvironment` yields, for services' config types. */
export interface AwsEnvironment {
  AWS_REGION: string;
  AWS_ENDPOINT_URL_SQS?: string;
  AWS_ENDPOINT_URL_SNS?: string;
  AWS_ENDPOINT_URL_S3?: string;
  LOG_LEVEL: string;
}

/** Environment variables every service shares: region, emulator endpoints, log level. */
export const awsEnvironment = {
  AWS_REGION: Joi.string().default('us-east-1'),
  /** Set only for local emulators; production uses the SDK's real AWS endpoints. */
  AWS_ENDPOINT_URL_SQS: Joi.string().uri(),
  AWS_ENDPOINT_URL_SNS: Joi.string().uri(),
  AWS_ENDPOINT_URL_S3: Joi.string().uri(),
  LOG_LEVEL: Joi.string()
    .valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')
    .default('info'),
};

/** What `opsEnvironment` yields. */
export interface OpsEnvironment {
  OPS_HOST: string;
  OPS_PORT: number;
  OPS_TOKEN: string;
}

/**
 * The ops port of every service (/healthz, /readyz, /metrics). Loopback unless an operator
 * opens it: in a container set OPS_HOST=0.0.0.0 so probes and Prometheus can reach it.
 */
export const opsEnvironment = (defaultPort: number) => ({
  OPS_HOST: Joi.string().default('127.0.0.1'),
  OPS_PORT: Joi.number().port().default(defaultPort),
  /** Bearer token for /metrics. */
  OPS_TOKEN: Joi.string().min(16).required(),
});

/** Shared by export-api (signs) and report-builder (verifies) for internal calls. */
export const internalTokenSecret = Joi.string().min(32).required();

/** How the queue workers (report-builder, renderer) consume their queue. */
export interface WorkerEnvironment {
  CONCURRENCY: number;
  QUEUE_WAIT_SECONDS: number;
  VISIBILITY_TIMEOUT_SECONDS: number;
  HANDLER_TIMEOUT_SECONDS: number;
}

export const workerEnvironment = (defaultHandlerTimeoutSeconds: number) => ({
  CONCURRENCY: Joi.number().integer().min(1).max(10).default(2),
  QUEUE_WAIT_SECONDS: Joi.number().integer().min(0).max(20).default(20),
  /** Short, so a crashed worker's message is back within this; the heartbeat renews it. */
  VISIBILITY_TIMEOUT_SECONDS: Joi.number().integer().min(3).max(43_200).default(30),
  /** A message still not handled after this ends its job FAILED (timeout). */
  HANDLER_TIMEOUT_SECONDS: Joi.number().min(1).max(3600).default(defaultHandlerTimeoutSeconds),
});
