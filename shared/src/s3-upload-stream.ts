import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Multipart parts of 5 MiB (S3's minimum), two in flight: memory stays bounded whatever the size. */
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/** Counts and hashes what streams through, so a job can record exact bytes and sha256. */
function measure() {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

/**
 * Streams `source` through `transforms` into one S3 object by multipart upload and resolves with
 * the stored bytes and their sha256. An error in any stage fails the upload (and S3 drops its
 * parts); `signal` aborts it.
 */
export async function uploadStream(
  s3: S3Client,
  object: { Bucket: string; Key: string; ContentType: string; ContentEncoding?: string },
  source: Readable,
  transforms: readonly NodeJS.ReadWriteStream[],
  signal: AbortSignal,
): Promise<{ bytes: number; sha256: string }> {
  signal.throwIfAborted();
  const measured = measure();
  const body = new PassThrough();
  const upload = new Upload({
    client: s3,
    params: { ...object, Body: body },
    partSize: PART_SIZE,
    queueSize: PARTS_IN_FLIGHT,
  });
  const abortUpload = () => void upload.abort().catch(() => undefined);
  signal.addEventListener('abort', abortUpload, { once: true });
  try {
    // pipeline (unlike .pipe) passes an error in any stage on: the body fails, so the upload
    // rejects instead of waiting forever for the rest of the object.
    await Promise.all([
      pipeline([source, ...transforms, measured.stream, body]),
      upload.done().catch((error: unknown) => {
        body.destroy(error as Error);
        throw error;
      }),
    ]);
  } finally {
    signal.removeEventListener('abort', abortUpload);
  }
  return measured.result();
}
