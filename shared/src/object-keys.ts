/**
 * Claim checks (the data report-builder hands the renderer) live under their workspace and job:
 * `datasets/<workspace_id>/<job_id>/<attempt>.<extension>`, one key per attempt, so a second
 * delivery never rewrites a dataset a renderer may be reading, and a message can only name its
 * own job's data.
 */
export const CLAIM_CHECK_PREFIX = 'datasets/';

export const claimCheckKey = (
  workspaceId: string,
  jobId: string,
  attempt: string,
  extension: 'json.gz' | 'ndjson.gz',
) => `${CLAIM_CHECK_PREFIX}${workspaceId}/${jobId}/${attempt}.${extension}`;

/** Whether `key` is a claim check of this workspace's job (and nothing outside it). */
export const isClaimCheckOf = (key: string, workspaceId: string, jobId: string) =>
  key.startsWith(`${CLAIM_CHECK_PREFIX}${workspaceId}/${jobId}/`) && !key.split('/').includes('..');
