import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const SHARED = new URL('../src/index.ts', import.meta.url).href;

/** Runs a script in a child process with the shared package loaded; resolves with its exit. */
function run(
  script: string,
  signalAfterStart?: NodeJS.Signals,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import * as shared from '${SHARED}';\n${script}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (signalAfterStart && output.includes('ready')) child.kill(signalAfterStart);
      });
    }
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('process guards', function () {
  this.timeout(20_000);

  it('when a promise rejection goes unhandled, then the process logs it and exits 1', async () => {
    const { code, output } = await run(`
      shared.exitOnUnhandled(shared.createLogger('t', 'info'));
      Promise.reject(new Error('nobody handles me'));
      setTimeout(() => console.log('still running'), 2000);
    `);
    assert.equal(code, 1);
    assert.match(output, /unhandled promise rejection/);
    assert.match(output, /nobody handles me/);
    assert.doesNotMatch(output, /still running/);
  });

  it('when stopping hangs past its time limit, then the process exits 1 instead of hanging', async () => {
    const { code, output } = await run(
      `
      const logger = shared.createLogger('t', 'info');
      shared.stopOnSignals(logger, () => new Promise(() => {}), 300);
      setInterval(() => {}, 1000);
      console.log('ready');
    `,
      'SIGTERM',
    );
    assert.equal(code, 1);
    assert.match(output, /stopping took too long/);
  });

  it('when stopping finishes, then the process exits 0', async () => {
    const { code } = await run(
      `
      const logger = shared.createLogger('t', 'info');
      const timer = setInterval(() => {}, 1000);
      shared.stopOnSignals(logger, async () => clearInterval(timer), 5000);
      console.log('ready');
    `,
      'SIGTERM',
    );
    assert.equal(code, 0);
  });
});
