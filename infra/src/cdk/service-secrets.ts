import type { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * The secrets the services read: the platform's (JWT, MongoDB URI, looked up by name) and the
 * stack's own (the internal token, the ops token), handed to containers as secrets, never as
 * plain environment.
 */
export function serviceSecrets(
  stack: Stack,
  props: { jwtSecretName: string; jwtPreviousSecretName?: string; mongodbUriSecretName: string },
) {
  const jwtSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'JwtSecret', props.jwtSecretName);
  const mongodbUri = secretsmanager.Secret.fromSecretNameV2(
    stack,
    'MongodbUri',
    props.mongodbUriSecretName,
  );
  const internalToken = new secretsmanager.Secret(stack, 'InternalTokenSecret', {
    description: 'Signs export-api calls to report-builder /internal/summary',
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
  });
  const opsToken = new secretsmanager.Secret(stack, 'OpsToken', {
    description: 'Bearer token of every service /metrics',
    generateSecretString: { passwordLength: 32, excludePunctuation: true },
  });
  const jwtPrevious = props.jwtPreviousSecretName
    ? secretsmanager.Secret.fromSecretNameV2(
        stack,
        'JwtSecretPrevious',
        props.jwtPreviousSecretName,
      )
    : null;
  const secret = (value: secretsmanager.ISecret) => ecs.Secret.fromSecretsManager(value);
  return {
    jwt: secret(jwtSecret),
    jwtPrevious: jwtPrevious ? secret(jwtPrevious) : null,
    mongodbUri: secret(mongodbUri),
    internalToken: secret(internalToken),
    opsToken: secret(opsToken),
  };
}
