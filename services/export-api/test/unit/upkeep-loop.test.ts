import { createLogger } from '@wevion/shared';
import assert from 'node:assert/strict';
import { eventually } from '@wevion/testing/polling.ts';
import { UpkeepLoop } from '../../src/upkeep-loop.ts';

describe('the upkeep loop (reconciler, schedules)', () => {
  const logger = createLogger('loop-test', 'silent');

  it('when a round outlasts the interval, then the next one waits for it: rounds never overlap', async () => {
    let running = 0;
    let most = 0;
    let rounds = 0;
    const loop = new UpkeepLoop(
      5,
      async () => {
        running++;
        most = Math.max(most, running);
        // Each round is ten intervals long.
        await new Promise((resolve) => setTimeout(resolve, 50));
        running--;
        rounds++;
      },
      logger,
    );
    loop.start();
    await eventually(async () => (rounds >= 3 ? true : undefined));
    await loop.stop();
    assert.equal(most, 1);
  });

  it('when stopped mid-round, then stop resolves only after that round has finished', async () => {
    let started = false;
    let finished = false;
    const loop = new UpkeepLoop(
      1,
      async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 200));
        finished = true;
      },
      logger,
    );
    loop.start();
    await eventually(async () => (started ? true : undefined));
    await loop.stop();
    assert.ok(finished, 'the stores may close now: no round is still using them');
  });

  it('when a round fails, then the loop logs it and goes on', async () => {
    let rounds = 0;
    const loop = new UpkeepLoop(
      1,
      async () => {
        rounds++;
        if (rounds === 1) throw new Error('store unavailable');
      },
      logger,
    );
    loop.start();
    await eventually(async () => (rounds >= 2 ? true : undefined));
    await loop.stop();
  });
});
