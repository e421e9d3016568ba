/**
 * Every object key in the exports bucket, defined here once. The services build and check keys
 * only through these functions, and infra's lifecycle rules read the prefixes.
 */
export const KEY_PREFIXES = {
  /** Claim checks: the data report-builder hands the renderer. */
  datasets: 'datasets/',
  /** Finished files, downloaded through signed URLs. */
  exports: 'exports/',
  /** Workspace logos, re-encoded as PNG; the only place the renderer reads logos from. */
  branding: 'branding/',
  /** Cancel markers the workers look for before each expensive step. */
  cancellations: 'cancellations/',
} as const;

/** Whether `key` lies under `prefix` and names no parent directory. */
const within = (key: string, prefix: string) =>
  key.startsWith(prefix) && !key.split('/').includes('..');

/**
 * A claim check: `datasets/<workspace_id>/<job_id>/<attempt>.<extension>`, one key per attempt,
 * so a second delivery never rewrites a dataset a renderer may be reading, and a message can
 * only name its own job's data.
 */
export const claimCheckKey = (
  workspaceId: string,
  jobId: string,
  attempt: string,
  extension: 'json.gz' | 'ndjson.gz',
) => `${KEY_PREFIXES.datasets}${workspaceId}/${jobId}/${attempt}.${extension}`;

/** Whether `key` is a claim check of this workspace's job (and nothing outside it). */
export const isClaimCheckOf = (key: string, workspaceId: string, jobId: string) =>
  within(key, `${KEY_PREFIXES.datasets}${workspaceId}/${jobId}/`);

/** A finished file: `exports/<workspace_id>/<job_id>/<attempt>/<filename>`, one per render. */
export const exportFileKey = (workspaceId: string, jobId: string, attempt: string, name: string) =>
  `${KEY_PREFIXES.exports}${workspaceId}/${jobId}/${attempt}/${name}`;

/** Whether `key` is a file one of this job's renders may have written. */
export const isExportFileOf = (key: string, workspaceId: string, jobId: string) =>
  within(key, `${KEY_PREFIXES.exports}${workspaceId}/${jobId}/`);

/** A logo, named by its content: `branding/<workspace_id>/logo-<digest>.png`. */
export const logoKey = (workspaceId: string, digest: string) =>
  `${KEY_PREFIXES.branding}${workspaceId}/logo-${digest}.png`;

/** Whether `key` is a stored logo (a renderer reads no logo from anywhere else). */
export const isLogoKey = (key: string) => within(key, KEY_PREFIXES.branding);

/** A job's cancel marker. */
export const cancellationKey = (jobId: string) => `${KEY_PREFIXES.cancellations}${jobId}`;
