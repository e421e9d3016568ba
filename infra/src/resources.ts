import { KEY_PREFIXES } from '@wevion/shared/object-keys.ts';

/** The bucket's key layout is shared's; lifecycle rules and IAM policies read its prefixes. */
export { KEY_PREFIXES };

/**
 * Every AWS resource the export service needs, in one place. `provision` creates them against
 * real AWS or the local emulators; names can be prefixed per environment.
 */
export interface QueueDefinition {
  /** Environment variable the services read the queue URL from. */
  env: string;
  name: string;
  /** How long a received message stays hidden; consumers extend it while they work. */
  visibilityTimeoutSeconds: number;
  /** Receives before redrive moves a message to `<name>-dlq`. */
  maxReceiveCount: number;
}

export const QUEUES: readonly QueueDefinition[] = [
  {
    env: 'EXPORT_JOBS_QUEUE_URL',
    name: 'export-jobs',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 3,
  },
  {
    env: 'RENDER_JOBS_QUEUE_URL',
    name: 'render-jobs',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 3,
  },
  {
    env: 'EXPORT_API_EVENTS_QUEUE_URL',
    name: 'export-api-events',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 5,
  },
];

export const DEAD_LETTER_SUFFIX = '-dlq';
/** Dead letters are kept 14 days (the SQS maximum) for inspection after export-api fails their jobs. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

export const TOPIC = { env: 'EXPORT_EVENTS_TOPIC_ARN', name: 'export-events' } as const;
/** export-events fans out to export-api's queue as raw JSON (no SNS envelope). */
export const SUBSCRIPTIONS = [{ topic: 'export-events', queue: 'export-api-events' }] as const;

export const BUCKET = {
  env: 'EXPORTS_BUCKET',
  name: 'wevion-exports',
  /** Finished files are kept this long; download URLs are signed for minutes, so this is the re-download window. */
  exportRetentionDays: 7,
  /** Datasets are claim checks between report-builder and renderer; a day covers every retry. */
  datasetRetentionDays: 1,
  /** Cancel markers only matter while a job could still be worked on: a day, like datasets. */
  cancellationRetentionDays: 1,
} as const;
