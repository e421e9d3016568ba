import type { Logger } from 'pino';

/** How long `stop()` may take before the process exits anyway (in-flight work is redelivered). */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/**
 * A promise nobody handled or an exception nobody caught leaves the process in an unknown
 * state: log it and exit non-zero so the supervisor restarts a clean one, instead of dying
 * silently or running on half-broken.
 */
export function exitOnUnhandled(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}

/**
 * SIGTERM or SIGINT → `stop()` once (finish in-flight work, close connections), then exit.
 * A second signal while stopping is ignored rather than cutting work short; a stop that takes
 * longer than `timeoutMs` exits 1 (SQS hands the unfinished messages to another worker).
 */
export function stopOnSignals(
  logger: Logger,
  stop: () => Promise<void>,
  timeoutMs = DEFAULT_STOP_TIMEOUT_MS,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight work');
    setTimeout(() => {
      logger.error({ timeout_ms: timeoutMs }, 'stopping took too long; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);
}
