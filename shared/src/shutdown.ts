import type { Logger } from 'pino';

/**
 * SIGTERM or SIGINT → `stop()` once (finish in-flight work, close connections), then exit.
 * A second signal while stopping is ignored rather than cutting work short.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing in-flight work');
      try {
        await stop();
        logger.info('stopped');
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      }
    });
  }
}
