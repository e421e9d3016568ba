import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ClaimCheckReader } from '../ports.ts';

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
    return pipeline(body, createGunzip(), () => undefined).setEncoding(
      'utf8',
    ) as AsyncIterable<string>;
  }
}
