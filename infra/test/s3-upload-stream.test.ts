import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  createAwsClients,
  destroyAwsClients,
  PART_SIZE,
  partBuffers,
  uploadStream,
  type AwsClients,
} from '@wevion/shared';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, gunzipSync } from 'node:zlib';
import { LOCAL_CREDENTIALS, startLocalEmulators } from '../src/local-emulators.ts';

/** `total` bytes of noise in chunks of `size`, as a stream delivers them; the chunks' bytes too. */
function noise(total: number, size = 64 * 1024) {
  const bytes = randomBytes(total);
  async function* chunks() {
    for (let at = 0; at < total; at += size) yield bytes.subarray(at, at + size);
  }
  return { bytes, stream: () => Readable.from(chunks()) };
}

/** The multipart uploader against the local S3 (s3rver), on the wire as AWS speaks it. */
describe('streaming an object to S3', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'wevion-upload-'));
  let emulators: Awaited<ReturnType<typeof startLocalEmulators>>;
  let clients: AwsClients;
  const Bucket = 'uploads';
  const signal = new AbortController().signal;
  const object = (Key: string) => ({ Bucket, Key, ContentType: 'application/octet-stream' });
  const read = async (Key: string) => {
    const got = await clients.s3.send(new GetObjectCommand({ Bucket, Key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const exists = (Key: string) =>
    clients.s3.send(new HeadObjectCommand({ Bucket, Key })).then(
      () => true,
      () => false,
    );

  /** The S3 operations sent since the last test began, in order. */
  let sent: string[] = [];
  const count = (name: string) => sent.filter((c) => c === name).length;

  before(async () => {
    emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory: dir });
    clients = createAwsClients({ AWS_REGION: 'us-east-1', ...emulators.env }, LOCAL_CREDENTIALS);
    await clients.s3.send(new CreateBucketCommand({ Bucket }));
    clients.s3.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize' },
    );
  });
  beforeEach(() => {
    sent = [];
  });
  after(async () => {
    destroyAwsClients(clients);
    await emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when an object spans several parts, then S3 holds every byte in order and the sha256 is of those bytes', async () => {
    const { bytes, stream } = noise(2 * PART_SIZE + 12_345, 50_000);
    const stored = await uploadStream(clients.s3, object('three-parts'), stream(), [], signal);
    assert.deepEqual(stored, {
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    assert.deepEqual(sent, [
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    assert.ok((await read('three-parts')).equals(bytes));
  });

  it('when an object fits in one part, exactly one or none, then it is stored whole by one PUT', async () => {
    for (const size of [0, 1_000, PART_SIZE]) {
      const { bytes, stream } = noise(size);
      sent = [];
      await uploadStream(clients.s3, object(`one-${size}`), stream(), [], signal);
      assert.deepEqual(sent, ['PutObjectCommand'], `${size} bytes`);
      assert.ok((await read(`one-${size}`)).equals(bytes), `${size} bytes`);
    }
  });

  it('when the stream passes through a transform, then the object is what the transform wrote', async () => {
    const { bytes, stream } = noise(PART_SIZE + 1);
    const stored = await uploadStream(
      clients.s3,
      object('gzipped'),
      stream(),
      [createGzip()],
      signal,
    );
    const zipped = await read('gzipped');
    assert.equal(stored.bytes, zipped.length);
    assert.ok(gunzipSync(zipped).equals(bytes));
  });

  it('when many parts go up, then their buffers are reused: no more are allocated than are in use at once', async () => {
    const before = partBuffers.allocated;
    const { bytes, stream } = noise(8 * PART_SIZE + 1);
    await uploadStream(clients.s3, object('eight-parts'), stream(), [], signal);
    assert.ok((await read('eight-parts')).equals(bytes));
    // Two parts in flight and one filling: three buffers at most, whatever the size.
    assert.ok(partBuffers.allocated - before <= 3, `${partBuffers.allocated - before} allocated`);
  });

  it('when the source fails midway, then the upload rejects, no object appears and no part is left', async () => {
    const { bytes } = noise(3 * PART_SIZE);
    async function* failing() {
      for (let at = 0; at < 2 * PART_SIZE + 10; at += 64 * 1024)
        yield bytes.subarray(at, at + 64 * 1024);
      // Fails once parts are on their way, so there is something for S3 to drop.
      while (count('UploadPartCommand') < 2) await new Promise((r) => setTimeout(r, 5));
      throw new Error('the store went away');
    }
    await assert.rejects(
      uploadStream(clients.s3, object('cut'), Readable.from(failing()), [], signal),
      /the store went away/,
    );
    assert.equal(await exists('cut'), false);
    assert.equal(count('CompleteMultipartUploadCommand'), 0);
    assert.equal(
      count('AbortMultipartUploadCommand'),
      1,
      `S3 drops the parts it has: ${sent.join()}`,
    );
  });

  it('when the caller aborts, then the upload rejects and no object appears', async () => {
    const controller = new AbortController();
    async function* slow() {
      yield randomBytes(PART_SIZE + 1);
      controller.abort(new Error('time limit'));
      yield randomBytes(1_000);
    }
    await assert.rejects(
      uploadStream(clients.s3, object('aborted'), Readable.from(slow()), [], controller.signal),
    );
    assert.equal(await exists('aborted'), false);
  });
});
