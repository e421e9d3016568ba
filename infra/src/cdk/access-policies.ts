import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { KEY_PREFIXES } from '../resources.ts';
import type { WorkQueue } from './messaging.ts';

/** The SQS actions a consumer needs on its queue (receive, renew, delete, readiness). */
const CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];

/** Least privilege: what each service does with the queues and the bucket, and nothing else. */
export function grantServiceAccess(
  roles: { api: iam.IRole; reportBuilder: iam.IRole; renderer: iam.IRole },
  queues: { exportJobs: WorkQueue; renderJobs: WorkQueue; apiEvents: WorkQueue },
  storage: { bucket: s3.IBucket; objects: (prefix: string) => string },
): void {
  const { exportJobs, renderJobs, apiEvents } = queues;
  const { bucket, objects } = storage;
  const allow = (role: iam.IRole, actions: string[], resources: string[]) =>
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
  const headBucket = ['s3:ListBucket'];

  const apiRole = roles.api;
  allow(apiRole, ['sqs:SendMessage', 'sqs:GetQueueAttributes'], [exportJobs.queue.queueArn]);
  allow(apiRole, CONSUME, [
    apiEvents.queue.queueArn,
    exportJobs.dlq.queueArn,
    renderJobs.dlq.queueArn,
    apiEvents.dlq.queueArn,
  ]);
  allow(apiRole, ['sqs:SendMessage'], [apiEvents.dlq.queueArn]);
  // Signs GETs of finished files and logos; deletes duplicate renders.
  allow(apiRole, ['s3:GetObject'], [objects(KEY_PREFIXES.exports), objects(KEY_PREFIXES.branding)]);
  // Stores logos, and the cancel markers the workers look for.
  allow(
    apiRole,
    ['s3:PutObject'],
    [objects(KEY_PREFIXES.branding), objects(KEY_PREFIXES.cancellations)],
  );
  allow(apiRole, ['s3:DeleteObject'], [objects(KEY_PREFIXES.exports)]);
  allow(apiRole, headBucket, [bucket.bucketArn]);

  const builderRole = roles.reportBuilder;
  allow(builderRole, ['sqs:SendMessage'], [renderJobs.queue.queueArn]);
  allow(builderRole, ['s3:PutObject'], [objects(KEY_PREFIXES.datasets)]);
  // A HEAD of a cancel marker needs s3:GetObject (and ListBucket to see a 404, not a 403).
  allow(builderRole, ['s3:GetObject'], [objects(KEY_PREFIXES.cancellations)]);
  allow(builderRole, headBucket, [bucket.bucketArn]);

  const rendererRole = roles.renderer;
  allow(
    rendererRole,
    ['s3:GetObject'],
    [
      objects(KEY_PREFIXES.datasets),
      objects(KEY_PREFIXES.branding),
      objects(KEY_PREFIXES.cancellations),
    ],
  );
  allow(rendererRole, ['s3:PutObject', 's3:AbortMultipartUpload'], [objects(KEY_PREFIXES.exports)]);
  allow(rendererRole, headBucket, [bucket.bucketArn]);
}
