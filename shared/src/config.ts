import Joi from 'joi';

/**
 * Reads a service's configuration from the environment once: validated, defaults filled,
 * frozen. A bad or missing variable stops the service at start with every problem listed.
 */
export function loadConfig<T>(
  schema: Joi.ObjectSchema<T>,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<T> {
  const { value, error } = schema.validate(env, {
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
