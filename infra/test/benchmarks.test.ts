import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;

/** Longer than any smoke run takes; a hung one is killed and its output shown. */
const SMOKE_LIMIT_MS = 150_000;

/** Runs a benchmark script with --smoke and resolves with its exit code and output. */
function smoke(
  script: string,
  args: readonly string[],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--smoke', ...args], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const limit = setTimeout(() => {
      child.kill('SIGINT');
      reject(
        new Error(`${script} --smoke ran over ${SMOKE_LIMIT_MS / 1000} s:\n${output.slice(-3000)}`),
      );
    }, SMOKE_LIMIT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, output });
    });
  });
}

/**
 * Every benchmark runs end to end on a tiny store in its smoke mode, so a benchmark that no
 * longer compiles or runs fails here, not on the day someone needs its figures.
 */
describe('benchmarks in smoke mode', function () {
  this.timeout(180_000);

  for (const [name, script, figure, args = []] of [
    ['bench:aggregate', 'services/report-builder/bench/aggregate.ts', /median \(5 runs\)/],
    ['bench:e2e', 'infra/bench/e2e.ts', /90 days × 8 platforms CSV/],
    ['bench:pdf', 'infra/bench/pdf.ts', /warm render, median of 10/],
    [
      'bench:csv',
      'infra/bench/csv.ts',
      /90-day CSV against DuckDB writing the same grouped rows[^\n]*\d\.\d× \(\d+ ms against \d+ ms, the `COPY` timed between[\s\S]*in the system: renderer[\s\S]*CPU per 90-day CSV/,
    ],
    ['bench:load', 'infra/bench/load.ts', /5 exports \(2 PDF, 3 CSV\) at once/],
    [
      'bench:load --sweep',
      'infra/bench/load.ts',
      /report-builder 1, renderer 1 \(PDF 1\): 5 exports/,
      ['--sweep'],
    ],
    ['bench:schedules', 'infra/bench/schedules.ts', /fire delay \(due → job created\)/],
  ] as const) {
    it(`when ${name} runs with --smoke, then it completes and prints its figures without recording them`, async () => {
      const { code, output } = await smoke(script, args);
      assert.equal(code, 0, output.slice(-2000));
      assert.match(output, figure);
      assert.match(output, /Smoke run: the figures above are not recorded/);
    });
  }
});
