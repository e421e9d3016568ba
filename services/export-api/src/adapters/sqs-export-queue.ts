import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendToQueue, type ExportUnifiedReportMessage } from '@wevion/shared';
import { csvLayoutOfParams, type Job } from '../domain/job.ts';
import type { Workspace } from '../domain/workspace.ts';
import type { ExportQueue } from '../ports.ts';

/** Sends EXPORT_UNIFIED_REPORT to report-builder's queue. */
export class SqsExportQueue implements ExportQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(job: Job, workspace: Workspace): Promise<void> {
    const { since, until, platforms, target_currency, timezone, compare_previous, csv_bom } =
      job.params;
    const message: ExportUnifiedReportMessage = {
      type: 'EXPORT_UNIFIED_REPORT',
      version: 1,
      job_id: job.job_id,
      workspace_id: job.workspace_id,
      format: job.format,
      query: {
        workspace_id: job.workspace_id,
        since,
        until,
        platforms,
        target_currency,
        timezone,
        compare_previous,
        top_n: 10,
      },
      csv: csvLayoutOfParams(job.format, job.params),
      options: { csv_bom },
      workspace: { name: workspace.name, branding: workspace.branding },
      requested_at: job.created_at,
    };
    // The workspace is the tenant: SQS fair queues keep one workspace's burst (a hundred
    // schedules due at 09:00) from delaying every other workspace's exports.
    await sendToQueue(this.sqs, this.queueUrl, message, { groupId: job.workspace_id });
  }
}
