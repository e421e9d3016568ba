import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';

const benchmarksFile = new URL('../../../docs/benchmarks.md', import.meta.url);

/**
 * `--smoke`: every benchmark runs end to end on a tiny store, once, and records nothing. The
 * tests run each benchmark this way, so none can rot between real measurements.
 */
export const SMOKE = process.argv.includes('--smoke');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function machineSummary(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg()[0]!.toFixed(1)} when it started`;
}

/** Replaces this benchmark's section of docs/benchmarks.md (between its markers) with new figures. */
export function recordBenchmark(
  name: string,
  result: { title: string; description: string; figures: Record<string, string>; machine: string },
): void {
  if (SMOKE) {
    console.log('Smoke run: the figures above are not recorded.');
    return;
  }
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = [
    start,
    `## ${result.title}`,
    '',
    result.description,
    '',
    '| figure | value |',
    '|---|---|',
    ...Object.entries(result.figures).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${result.machine}.`,
    end,
  ].join('\n');
  let text =
    '# Benchmarks\n\nFigures are written by the `npm run bench:*` scripts; rerun them to refresh.\n';
  try {
    text = readFileSync(benchmarksFile, 'utf8');
  } catch {
    // First run: start the file.
  }
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(benchmarksFile, text);
  console.log(`Recorded in docs/benchmarks.md`);
}
