import { InvalidMessageError, parseMessage, type JobEventMessage } from '@wevion/shared';
import type { JobLifecycle } from '../job-lifecycle.ts';
import type { ExportApiInboxes } from '../ports.ts';

/**
 * What export-api does with each message: a worker's job event moves its job; a message a
 * worker gave up on ends its job FAILED, so every job reaches an end.
 */
export function startInboxes(inboxes: ExportApiInboxes, lifecycle: JobLifecycle): void {
  inboxes.jobEvents.start((body) =>
    lifecycle.handleJobEvent(parseMessage<JobEventMessage>('JOB_EVENT', body)),
  );
  inboxes.exportJobsDeadLetters.start((body) =>
    lifecycle.failFromDeadLetter(body, 'report-builder'),
  );
  inboxes.renderJobsDeadLetters.start((body) => lifecycle.failFromDeadLetter(body, 'renderer'));
  inboxes.jobEventsDeadLetters.start(async (body) => {
    // An event that kept failing may have met a passing outage: apply it if it is valid at all.
    try {
      await lifecycle.handleJobEvent(parseMessage<JobEventMessage>('JOB_EVENT', body));
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      await lifecycle.failFromDeadLetter(body, 'export-api');
    }
  });
}

export async function stopInboxes(inboxes: ExportApiInboxes): Promise<void> {
  await Promise.all(Object.values(inboxes).map((source) => source.stop()));
}
