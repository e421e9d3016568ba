import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BUCKET, KEY_PREFIXES } from '../resources.ts';

/**
 * The exports bucket: private, encrypted, TLS-only, with the key prefixes of shared's object
 * keys expiring on their own schedules. Kept when the stack is deleted.
 */
export function exportsBucket(stack: Stack) {
  const bucket = new s3.Bucket(stack, BUCKET.name, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        id: 'expire-exports',
        prefix: KEY_PREFIXES.exports,
        expiration: Duration.days(BUCKET.exportRetentionDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
      {
        id: 'expire-datasets',
        prefix: KEY_PREFIXES.datasets,
        expiration: Duration.days(BUCKET.datasetRetentionDays),
      },
      {
        id: 'expire-cancellations',
        prefix: KEY_PREFIXES.cancellations,
        expiration: Duration.days(BUCKET.cancellationRetentionDays),
      },
    ],
  });
  /** Every object under a key prefix, for IAM statements. */
  const objects = (prefix: string) => bucket.arnForObjects(`${prefix}*`);
  return { bucket, objects };
}
