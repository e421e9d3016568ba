import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ExportFiles } from '../ports.ts';

export class S3ExportFiles implements ExportFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
