import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { cancellationKey } from './object-keys.ts';

/**
 * How a cancel reaches the workers: export-api marks the job in the exports bucket (the one
 * store all three services already share), report-builder and renderer look before each
 * expensive step. Markers expire with the bucket's lifecycle rule, after a day.
 */

/** A step found its job cancelled: it stops, and nothing more is written for the job. */
export class JobCancelled extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`);
  }
}

export async function markCancelled(
  s3: S3Client,
  bucket: string,
  jobId: string,
  at: Date,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: cancellationKey(jobId),
      Body: JSON.stringify({ job_id: jobId, cancelled_at: at.toISOString() }),
      ContentType: 'application/json',
    }),
  );
}

export async function isCancelled(
  s3: S3Client,
  bucket: string,
  jobId: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: cancellationKey(jobId) }),
      signal ? { abortSignal: signal } : {},
    );
    return true;
  } catch (error) {
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (name === 'NotFound' || $metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

/** Throws JobCancelled when the job was cancelled: call it before each expensive step. */
export async function stopIfCancelled(
  s3: S3Client,
  bucket: string,
  jobId: string,
  signal?: AbortSignal,
): Promise<void> {
  if (await isCancelled(s3, bucket, jobId, signal)) throw new JobCancelled(jobId);
}
