import { startOpsServer, type JobMessageSource, type RenderReportMessage } from '@wevion/shared';
import type { RendererConfig } from './config.ts';
import { renderExport, type RenderDeps } from './render-export.ts';

/** Every port the renderer works through: the use case's, plus its queue and readiness checks. */
export interface RendererDeps extends RenderDeps {
  jobs: JobMessageSource<RenderReportMessage>;
  /** What `/readyz` checks besides Chromium (queue, bucket). */
  readiness: Record<string, () => Promise<unknown>>;
}

/** renderer: the render-jobs consumer and the ops port. */
export function createApp(config: Readonly<RendererConfig>, deps: RendererDeps) {
  const { logger, metrics, printer } = deps;
  let ops: Awaited<ReturnType<typeof startOpsServer>> | null = null;

  return {
    /** Serves the ops port, warms Chromium, then starts consuming; resolves with the ops port. */
    async start(opsPort = config.OPS_PORT): Promise<number> {
      ops = await startOpsServer(opsPort, config.OPS_HOST, {
        registry: metrics.registry,
        metricsToken: config.OPS_TOKEN,
        logger,
        readiness: { checks: { chromium: () => printer.warmUp(), ...deps.readiness } },
      });
      // A Chromium that cannot start now is retried by the first PDF job and by /readyz;
      // CSV work does not need it, so the consumer starts anyway.
      await printer
        .warmUp()
        .catch((err: unknown) =>
          logger.error({ err }, 'Chromium did not start; PDF jobs will retry the launch'),
        );
      deps.jobs.start((message, signal) => renderExport(message, deps, signal));
      logger.info({ ops_port: ops.port }, 'renderer consuming render-jobs');
      return ops.port;
    },
    /** Stops taking messages, finishes those in flight, closes the ops port. */
    async stop(): Promise<void> {
      await deps.jobs.stop();
      await ops?.close();
    },
  };
}
