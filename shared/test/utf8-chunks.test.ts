import assert from 'node:assert/strict';
import { CHUNK_BYTES, utf8Chunks } from '../src/index.ts';

/** `count` batches of `perBatch` lines; every seventh line holds characters of 2, 3 and 4 bytes. */
async function* batches(count: number, perBatch: number, size: number) {
  for (let b = 0; b < count; b++) {
    const lines: string[] = [];
    for (let i = 0; i < perBatch; i++) {
      const n = b * perBatch + i;
      const text = n % 7 === 0 ? `Zürich — 🚀 ${n}` : `${n % 10}`;
      lines.push(`${text.padEnd(size - 1, '.')}\n`);
    }
    yield lines;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const noTick = async () => {};

describe('UTF-8 chunks', () => {
  it('when lines stream through, then their UTF-8 arrives whole and in order, in chunks of at most 64 KiB', async () => {
    const expected = Buffer.from((await collect(batches(30, 100, 100))).flat().join(''));
    const chunks = await collect(utf8Chunks(batches(30, 100, 100), noTick));
    assert.ok(
      Buffer.concat(chunks).equals(expected),
      'the same bytes, multi-byte characters intact',
    );
    assert.ok(chunks.length >= 5, `${chunks.length} chunks for ${expected.length} bytes`);
    assert.ok(chunks.every((c) => c.length <= CHUNK_BYTES));
    // No line is split between chunks, and a chunk is not cut short long before it is full.
    assert.ok(chunks.every((c) => c.at(-1) === 0x0a));
    assert.ok(chunks.slice(0, -1).every((c) => c.length > CHUNK_BYTES - 3 * 100));
  });

  it('when one line is longer than a chunk, then it is a chunk of its own', async () => {
    const long = `${'é'.repeat(CHUNK_BYTES)}\n`;
    async function* lines() {
      yield ['a\n', long, 'b\n'];
    }
    const chunks = await collect(utf8Chunks(lines(), noTick));
    assert.deepEqual(
      chunks.map((c) => c.toString()),
      ['a\n', long, 'b\n'],
    );
  });

  it('when time passes while lines flow, then the tick runs, at most once per interval', async () => {
    let ticks = 0;
    await collect(utf8Chunks(batches(50, 1, 10), async () => void ticks++, 0));
    assert.equal(ticks, 50, 'an interval of 0 ticks after every batch');
    ticks = 0;
    await collect(utf8Chunks(batches(50, 1, 10), async () => void ticks++, 60_000));
    assert.equal(ticks, 0);
  });
});
