import {
  startOpsServer,
  type ExportUnifiedReportMessage,
  type JobMessageSource,
} from '@wevion/shared';
import { buildExport, type BuildExportDeps } from './build-export.ts';
import type { ReportBuilderConfig } from './config.ts';
import { summaryEndpoint } from './summary-endpoint.ts';

/** Every port report-builder works through: the use case's, plus its queue and readiness checks. */
export interface ReportBuilderDeps extends BuildExportDeps {
  jobs: JobMessageSource<ExportUnifiedReportMessage>;
  /** What `/readyz` checks besides the insights store (queue, bucket). */
  readiness: Record<string, () => Promise<unknown>>;
}

/** report-builder: the export-jobs consumer and the ops port (with the internal summary). */
export function createApp(config: Readonly<ReportBuilderConfig>, deps: ReportBuilderDeps) {
  const { store, logger, metrics } = deps;
  let ops: Awaited<ReturnType<typeof startOpsServer>> | null = null;

  return {
    /** Serves the ops port, then starts consuming; resolves with the bound ops port. */
    async start(opsPort = config.OPS_PORT): Promise<number> {
      ops = await startOpsServer(
        opsPort,
        config.OPS_HOST,
        {
          registry: metrics.registry,
          metricsToken: config.OPS_TOKEN,
          logger,
          readiness: {
            checks: { insights_store: () => store.fxCurrencies(), ...deps.readiness },
          },
        },
        summaryEndpoint(store, { secret: config.INTERNAL_TOKEN_SECRET, logger }),
      );
      deps.jobs.start((message, signal) => buildExport(message, deps, signal));
      logger.info({ ops_port: ops.port }, 'report-builder consuming export-jobs');
      return ops.port;
    },
    /** Stops taking messages, finishes those in flight, closes the ops port. */
    async stop(): Promise<void> {
      await deps.jobs.stop();
      await ops?.close();
    },
  };
}
