import type { Logger } from '@wevion/shared';
import type { JobStore } from './ports.ts';

/**
 * The job store, telling `onEnded` of every job that just reached COMPLETED or FAILED: events,
 * dead letters, the reconciler and cancels all end jobs through `update`, so this one place
 * sees them all. A failing listener is logged; the job's end stands.
 */
export function withJobEndings(
  jobs: JobStore,
  onEnded: (jobId: string) => Promise<void>,
  logger: Logger,
): JobStore {
  const update: JobStore['update'] = async (jobId, patch, from) => {
    const applied = await jobs.update(jobId, patch, from);
    if (applied && (patch.status === 'COMPLETED' || patch.status === 'FAILED')) {
      await onEnded(jobId).catch((error: unknown) =>
        logger.error({ err: error, job_id: jobId }, 'job end not announced'),
      );
    }
    return applied;
  };
  return Object.assign(Object.create(jobs) as JobStore, { update });
}
