import type { Logger } from '@wevion/shared';
import type { JobStore, WebhookSender, WebhookStore } from '../src/ports.ts';
import {
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../src/webhooks/webhook-dispatcher.ts';
import { WebhookOutbox } from '../src/webhooks/webhook-outbox.ts';

/** The outbox and the dispatcher wired as `createApp` wires them, for one process in a test. */
export function webhookLoop(
  options: WebhookDispatcherOptions,
  deps: { store: WebhookStore; sender: WebhookSender; jobs: JobStore; logger: Logger },
) {
  const dispatcher = new WebhookDispatcher(options, deps);
  const outbox = new WebhookOutbox({ ...deps, onStored: () => dispatcher.wake() });
  return {
    jobEnded: (jobId: string) => outbox.jobEnded(jobId),
    announceMissed: () => outbox.announceMissed(),
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
  };
}
