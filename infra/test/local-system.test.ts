import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalSystem } from '../src/local-system.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('the local system', function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'wevion-start-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when a service dies while starting, then the error quotes what it last printed', async () => {
    await assert.rejects(
      startLocalSystem({
        root,
        dataDir,
        // Too short for export-api's configuration, which refuses it and exits.
        jwtSecret: 'short',
        insightsPath: join(dataDir, 'insights.duckdb'),
        demoHistory: false,
        onLog: () => undefined,
      }),
      (error: Error) => {
        assert.match(
          error.message,
          /export-api exited with code 1 while starting; its last lines:/,
        );
        assert.match(error.message, /JWT_SECRET/);
        return true;
      },
    );
  });
});
