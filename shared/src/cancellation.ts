import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AppError } from './errors.ts';
import { cancellationKey } from './object-keys.ts';
import type { CancellationCheck } from './worker-ports.ts';

/**
 * How a cancel reaches the workers: export-api marks the job in the exports bucket (the one
 * store all three services already share), report-builder and renderer look before each
 * expensive step. Markers expire with the bucket's lifecycle rule, after a day.
 */

/** A step found its job cancelled: it stops, and nothing more is written for the job. */
export class JobCancelled extends AppError {
  constructor(readonly jobId: string) {
    // Internal: it stops a worker's step; the client already has its answer from the cancel.
    super('job_cancelled', `job ${jobId} was cancelled`, { status: 409, expose: false });
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

/** The workers' view of the markers: the CancellationCheck port on S3. */
export class S3CancellationCheck implements CancellationCheck {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  isCancelled(jobId: string, signal?: AbortSignal): Promise<boolean> {
    return isCancelled(this.s3, this.bucket, jobId, signal);
  }
}

/** Throws JobCancelled when the job was cancelled: call it before each expensive step. */
export async function stopIfCancelled(
  check: CancellationCheck,
  jobId: string,
  signal?: AbortSignal,
): Promise<void> {
  if (await check.isCancelled(jobId, signal)) throw new JobCancelled(jobId);
}
