import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LogoStore } from '../ports.ts';

export class S3LogoStore implements LogoStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, png: Buffer): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: png, ContentType: 'image/png' }),
    );
  }
}
