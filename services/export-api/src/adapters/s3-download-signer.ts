import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadSigner } from '../ports.ts';

/** Presigned S3 GETs with the file's name, made fresh on every read of a job. */
export class S3DownloadSigner implements DownloadSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly ttlSeconds: number,
  ) {}

  async sign(key: string, filename: string, contentType: string) {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000).toISOString();
    const url = await getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${filename}"`,
        ResponseContentType: contentType,
      }),
      { expiresIn: this.ttlSeconds },
    );
    return { url, expiresAt };
  }
}
