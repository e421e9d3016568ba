import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Multipart parts of 5 MiB (S3's minimum), two in flight: memory stays bounded whatever the size. */
export const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
/** S3's limit on parts: 50 GB at 5 MiB each, far beyond any export. */
const MAX_PARTS = 10_000;
/** Dropping a failed upload's parts must not hold the failure up for long. */
const ABORT_TIMEOUT_MS = 10_000;

/**
 * Part buffers, reused from one part and one upload to the next. lib-storage's `Upload` gathered
 * each part's chunks and concatenated them into a new buffer: both outlived V8's young
 * generation and waited for a full collection, 44-68 MB of dead buffers in report-builder at 4×
 * the benchmark's campaigns. Here a chunk is copied into a part buffer at once and dies young,
 * and a part's buffer goes back to the pool once S3 has it. The pool holds at most what the
 * uploads running at one time have used.
 */
export const partBuffers = {
  spare: [] as Buffer[],
  /** How many were ever allocated, for tests. */
  allocated: 0,
  take(): Buffer {
    const spare = this.spare.pop();
    if (spare) return spare;
    this.allocated += 1;
    // Not zeroed: only the bytes a part fills are sent, and untouched pages cost no memory.
    return Buffer.allocUnsafeSlow(PART_SIZE);
  },
  give(buffer: Buffer): void {
    this.spare.push(buffer);
  },
};

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

type S3Object = { Bucket: string; Key: string; ContentType: string; ContentEncoding?: string };

/**
 * Writes `chunks` to one S3 object: a single PUT when they fit in one part, else a multipart
 * upload with parts in flight while the next fills. Any failure aborts the multipart upload, so
 * S3 keeps no part and no object appears.
 */
async function putChunks(
  s3: S3Client,
  object: S3Object,
  chunks: AsyncIterable<Buffer>,
  signal: AbortSignal,
): Promise<void> {
  const { Bucket, Key } = object;
  // A failure stops the parts still in flight too, not only what the caller's signal stops.
  const failed = new AbortController();
  const options = { abortSignal: AbortSignal.any([signal, failed.signal]) };
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let buffer = partBuffers.take();
  let filled = 0;

  const sendPart = async () => {
    uploadId ??= (await s3.send(new CreateMultipartUploadCommand(object), options)).UploadId;
    const PartNumber = parts.length + inFlight.size + 1;
    if (PartNumber > MAX_PARTS) throw new Error(`${Key} would need more than ${MAX_PARTS} parts`);
    const sending = buffer;
    const sent = s3
      .send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId: uploadId,
          PartNumber,
          Body: sending.subarray(0, filled),
        }),
        options,
      )
      .then(({ ETag }) => {
        parts.push({ PartNumber, ETag: ETag! });
        // Only a part S3 has answered for frees its buffer: a failed one may still be on the wire.
        partBuffers.give(sending);
        inFlight.delete(sent);
      });
    // Awaited below (race, all); marked handled so a rejection while another awaits is not unhandled.
    sent.catch(() => undefined);
    inFlight.add(sent);
    buffer = partBuffers.take();
    filled = 0;
    while (inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(inFlight);
  };

  try {
    for await (const chunk of chunks) {
      for (let offset = 0; offset < chunk.length;) {
        // A full part goes only when more bytes follow: an object of one part is one PUT.
        if (filled === PART_SIZE) await sendPart();
        const copied = chunk.copy(buffer, filled, offset);
        filled += copied;
        offset += copied;
      }
    }
    if (uploadId === undefined) {
      await s3.send(new PutObjectCommand({ ...object, Body: buffer.subarray(0, filled) }), options);
    } else {
      if (filled > 0) await sendPart();
      await Promise.all(inFlight);
      parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
        options,
      );
    }
  } catch (error) {
    failed.abort(error);
    if (uploadId !== undefined) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId }), {
          abortSignal: AbortSignal.timeout(ABORT_TIMEOUT_MS),
        })
        // Not dropped now, S3 drops it by the bucket's lifecycle rule for incomplete uploads.
        .catch(() => undefined);
    }
    // The buffers of a failed upload are left to the collector: a request may still read them.
    throw error;
  }
  partBuffers.give(buffer);
}

/**
 * Streams `source` through `transforms` into one S3 object and resolves with the stored bytes and
 * their sha256. An error in any stage fails the upload (and S3 drops its parts); `signal` aborts
 * it.
 */
export async function uploadStream(
  s3: S3Client,
  object: S3Object,
  source: Readable,
  transforms: readonly NodeJS.ReadWriteStream[],
  signal: AbortSignal,
): Promise<{ bytes: number; sha256: string }> {
  signal.throwIfAborted();
  const measured = measure();
  const body = new PassThrough();
  // pipeline (unlike .pipe) passes an error in any stage on, so the upload fails instead of
  // waiting forever for the rest of the object; a failed upload ends the stages in turn.
  const put = putChunks(s3, object, body, signal).catch((error: unknown) => {
    body.destroy(error as Error);
    throw error;
  });
  try {
    await Promise.all([pipeline([source, ...transforms, measured.stream, body]), put]);
  } catch (error) {
    // A stage failed: the upload sees it and drops its parts before the caller hears of it.
    await put.catch(() => undefined);
    throw error;
  }
  return measured.result();
}
