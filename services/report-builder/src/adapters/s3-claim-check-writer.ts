import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { uploadStream } from '@wevion/shared';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip, gzip, constants as zlib } from 'node:zlib';
import type { ClaimCheckWriter } from '../ports.ts';

const gzipAsync = promisify(gzip);

/** Level 1: a claim check lives for minutes, so speed matters more than its size. */
export const claimCheckGzip = () => createGzip({ level: zlib.Z_BEST_SPEED });

/** Claim checks as gzip objects in the exports bucket (`Content-Encoding: gzip`). */
export class S3ClaimCheckWriter implements ClaimCheckWriter {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async writeStream(
    key: string,
    chunks: AsyncIterable<Buffer>,
    signal: AbortSignal,
  ): Promise<void> {
    await uploadStream(
      this.s3,
      {
        Bucket: this.bucket,
        Key: key,
        ContentType: 'application/x-ndjson',
        ContentEncoding: 'gzip',
      },
      Readable.from(chunks),
      [claimCheckGzip()],
      signal,
    );
  }

  async write(key: string, text: string, signal: AbortSignal): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: await gzipAsync(text),
        ContentType: 'application/json',
        ContentEncoding: 'gzip',
      }),
      { abortSignal: signal },
    );
  }
}
