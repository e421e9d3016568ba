import type { JobEventMessage } from './messages.ts';

/** What the two workers (report-builder, renderer) do through ports, with AWS adapters beside. */
export type JobEventFields = Pick<
  JobEventMessage,
  'status' | 'progress' | 'file' | 'error' | 'warnings'
>;

/** Tells export-api how a job moves (the export-events topic). */
export interface JobEventPublisher {
  publish(job: { job_id: string; workspace_id: string }, fields: JobEventFields): Promise<void>;
}

/** The cancel markers export-api writes; a worker looks before each expensive step. */
export interface CancellationCheck {
  isCancelled(jobId: string, signal?: AbortSignal): Promise<boolean>;
}

/**
 * A worker's queue of job messages, each validated and handed to `handle` with a signal that
 * aborts at the time limit; a message is deleted only when `handle` resolves.
 */
export interface JobMessageSource<T> {
  start(handle: (message: T, signal: AbortSignal) => Promise<void>): void;
  stop(): Promise<void>;
}
