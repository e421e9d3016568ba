import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isLogoKey } from '@wevion/shared';
import type { LogoReader } from '../ports.ts';

/** Logos from the bucket's branding/ keys only: never a URL or a key from elsewhere. */
export class S3LogoReader implements LogoReader {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async read(key: string): Promise<Buffer | null> {
    if (!isLogoKey(key)) return null;
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }
}
