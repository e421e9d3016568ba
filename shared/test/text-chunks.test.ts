import assert from 'node:assert/strict';
import { textChunks } from '../src/index.ts';

async function* parts(count: number, size: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) yield `${String(i % 10).repeat(size - 1)}\n`;
}

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe('text chunks', () => {
  it('when lines stream through, then they arrive whole, in order, in chunks of about 64 KB', async () => {
    const expected = (await collect(parts(3_000, 100))).join('');
    const chunks = await collect(textChunks(parts(3_000, 100), async () => {}));
    assert.equal(chunks.join(''), expected);
    // 300,000 characters: four chunks of 65,600 (the first line past 64 KiB) and the rest.
    assert.deepEqual(
      chunks.map((c) => c.length),
      [65_600, 65_600, 65_600, 65_600, 37_600],
    );
    assert.ok(
      chunks.slice(0, -1).every((c) => c.length >= 64 * 1024 && c.length < 64 * 1024 + 100),
    );
  });

  it('when time passes while text flows, then the tick runs, at most once per interval', async () => {
    let ticks = 0;
    await collect(textChunks(parts(50, 10), async () => void ticks++, 0));
    assert.equal(ticks, 50, 'an interval of 0 ticks after every part');
    ticks = 0;
    await collect(textChunks(parts(50, 10), async () => void ticks++, 60_000));
    assert.equal(ticks, 0);
  });
});
