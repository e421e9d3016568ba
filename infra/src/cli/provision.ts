/**
 * npm run provision -w @wevion/infra -- [--prefix staging-]
 * Creates (or confirms) every queue, dead-letter queue, the topic, its subscription and the bucket
 * where the AWS environment points (real AWS when no AWS_ENDPOINT_URL_* is set), then prints the
 * variables the services need.
 */
import { awsEnvironment, createAwsClients, destroyAwsClients, loadConfig } from '@wevion/shared';
import Joi from 'joi';
import { parseArgs } from 'node:util';
import { provision } from '../provision.ts';

const { prefix } = parseArgs({ options: { prefix: { type: 'string', default: '' } } }).values;
const config = loadConfig<{ AWS_REGION: string }>(Joi.object(awsEnvironment));
const clients = createAwsClients(config);
try {
  const { env, notes } = await provision(clients, { prefix });
  for (const [name, value] of Object.entries(env)) console.log(`${name}=${value}`);
  for (const note of notes) console.error(`Note: ${note}`);
} finally {
  destroyAwsClients(clients);
}
