import type { S3Client } from '@aws-sdk/client-s3';
import { markCancelled } from '@wevion/shared';
import type { Cancellations } from '../ports.ts';

/** Cancel markers in the exports bucket, where report-builder and renderer look for them. */
export class S3Cancellations implements Cancellations {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async mark(jobId: string, at: Date): Promise<void> {
    await markCancelled(this.s3, this.bucket, jobId, at);
  }
}
