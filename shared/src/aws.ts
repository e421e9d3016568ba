import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface AwsConfig {
  AWS_REGION: string;
  AWS_ENDPOINT_URL_SQS?: string;
  AWS_ENDPOINT_URL_SNS?: string;
  AWS_ENDPOINT_URL_S3?: string;
}

export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
}

/**
 * AWS SDK v3 clients. With no endpoint variables they talk to real AWS with the default
 * credential chain; with them, to the local emulators (fauxqs, s3rver) on the same protocols.
 */
export function createAwsClients(
  config: AwsConfig,
  credentials?: { accessKeyId: string; secretAccessKey: string },
): AwsClients {
  const region = config.AWS_REGION;
  const common = { region, ...(credentials ? { credentials } : {}) };
  return {
    sqs: new SQSClient({
      ...common,
      ...(config.AWS_ENDPOINT_URL_SQS ? { endpoint: config.AWS_ENDPOINT_URL_SQS } : {}),
    }),
    sns: new SNSClient({
      ...common,
      ...(config.AWS_ENDPOINT_URL_SNS ? { endpoint: config.AWS_ENDPOINT_URL_SNS } : {}),
    }),
    s3: new S3Client({
      ...common,
      ...(config.AWS_ENDPOINT_URL_S3
        ? { endpoint: config.AWS_ENDPOINT_URL_S3, forcePathStyle: true }
        : {}),
      // aws-chunked framing of streamed uploads corrupts objects on s3rver; AWS accepts both.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.sqs.destroy();
  clients.sns.destroy();
  clients.s3.destroy();
}

/** Readiness checks every service shares: its own queue answers and the bucket exists. */
export function awsReadinessChecks(
  clients: Pick<AwsClients, 'sqs' | 's3'>,
  resources: { queueUrl: string; bucket: string },
): Record<'queue' | 'bucket', () => Promise<unknown>> {
  return {
    queue: () =>
      clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: resources.queueUrl,
          AttributeNames: ['QueueArn'],
        }),
      ),
    bucket: () => clients.s3.send(new HeadBucketCommand({ Bucket: resources.bucket })),
  };
}
