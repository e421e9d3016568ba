/** About 64 KB: one stream write per CSV or NDJSON line would cost more than the lines. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Joins streamed text (lines of a file) into chunks for a byte stream, and calls `onTick` at
 * most once per `everyMs` while the text flows (progress events). `onTick` is awaited, so it
 * also paces the stream.
 */
export async function* textChunks(
  parts: AsyncIterable<string>,
  onTick: () => Promise<void>,
  everyMs = 1_000,
): AsyncGenerator<string> {
  let chunk = '';
  let ticked = performance.now();
  for await (const part of parts) {
    chunk += part;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
    if (performance.now() - ticked >= everyMs) {
      await onTick();
      ticked = performance.now();
    }
  }
  if (chunk) yield chunk;
}
