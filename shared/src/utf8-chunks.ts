/** 64 KiB: one stream write per CSV or NDJSON line would cost more than the lines. */
export const CHUNK_BYTES = 64 * 1024;

/** UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * The lines of a file, a batch at a time, as UTF-8 chunks of at most 64 KiB for a byte stream
 * (a longer line is a chunk of its own). Each line is encoded straight into its chunk: joining
 * lines into one string first makes V8 flatten that string before encoding it, into a two-byte
 * copy as soon as one campaign name holds a non-Latin-1 character; that cost a third of a second
 * and most of the garbage of a 24 MB CSV. Calls `onTick` at most once per `everyMs` while lines
 * flow (progress events); it is awaited, so it also paces the stream.
 */
export async function* utf8Chunks(
  batches: AsyncIterable<readonly string[]>,
  onTick: () => Promise<void>,
  everyMs = 1_000,
): AsyncGenerator<Buffer> {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let ticked = performance.now();
  for await (const lines of batches) {
    for (const line of lines) {
      const mostBytes = MAX_BYTES_PER_UNIT * line.length;
      if (used + mostBytes > CHUNK_BYTES && used > 0) {
        yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        used = 0;
      }
      if (mostBytes > CHUNK_BYTES) yield Buffer.from(line);
      else used += chunk.write(line, used);
    }
    if (performance.now() - ticked >= everyMs) {
      await onTick();
      ticked = performance.now();
    }
  }
  if (used > 0) yield chunk.subarray(0, used);
}
