import type { CancellationCheck, JobEventFields, JobEventPublisher } from '@wevion/shared';

/** Fakes of the two workers' shared ports, for their unit tests. */
export class RecordingJobEvents implements JobEventPublisher {
  readonly events: (JobEventFields & { job_id: string })[] = [];

  async publish(job: { job_id: string }, fields: JobEventFields): Promise<void> {
    this.events.push({ job_id: job.job_id, ...fields });
  }
}

export class FakeCancellations implements CancellationCheck {
  readonly cancelled = new Set<string>();

  async isCancelled(jobId: string): Promise<boolean> {
    return this.cancelled.has(jobId);
  }
}
