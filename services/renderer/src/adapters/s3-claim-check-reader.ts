import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ClaimCheckReader } from '../ports.ts';

/** 64 KB chunks (4× zlib's default): the reader parses a few hundred rows per batch. */
export const claimCheckGunzip = () => createGunzip({ chunkSize: 64 * 1024 });

/** Claim checks from the exports bucket, gunzipped as they stream in. */
export class S3ClaimCheckReader implements ClaimCheckReader {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async open(key: string, signal: AbortSignal): Promise<AsyncIterable<string> | null> {
    let body: Readable;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: signal,
      });
      body = object.Body as Readable;
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return null;
      throw error;
    }
    // pipeline passes an error anywhere in the stream on to the reader.
    return pipeline(body, claimCheckGunzip(), () => undefined).setEncoding(
      'utf8',
    ) as AsyncIterable<string>;
  }
}
