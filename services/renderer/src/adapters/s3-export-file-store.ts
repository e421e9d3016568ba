import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { uploadStream } from '@wevion/shared';
import { Readable } from 'node:stream';
import type { ExportFileStore } from '../ports.ts';

/** Finished files in the exports bucket; a stream goes up as a multipart upload. */
export class S3ExportFileStore implements ExportFileStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  writeStream(key: string, contentType: string, body: AsyncIterable<Buffer>, signal: AbortSignal) {
    return uploadStream(
      this.s3,
      { Bucket: this.bucket, Key: key, ContentType: contentType },
      Readable.from(body),
      [],
      signal,
    );
  }

  async write(key: string, contentType: string, body: Buffer, signal: AbortSignal): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
      { abortSignal: signal },
    );
  }
}
