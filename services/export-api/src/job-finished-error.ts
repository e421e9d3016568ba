import { AppError, type JobStatus } from '@wevion/shared';

/** A change only a PENDING or RUNNING job takes (cancel): 409, with the job's status. */
export class JobFinishedError extends AppError {
  constructor(
    jobId: string,
    readonly jobStatus: JobStatus,
  ) {
    super(
      'job_finished',
      `Job ${jobId} is already ${jobStatus}; only PENDING or RUNNING jobs can be cancelled.`,
      { status: 409, expose: true, extra: { status: jobStatus } },
    );
  }
}
