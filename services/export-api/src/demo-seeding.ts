import { DEMO_WORKSPACES, kumoHistory } from './demo-workspaces.ts';
import { monthStart } from './domain/workspace.ts';
import type { JobStore, WorkspaceStore } from './ports.ts';

/**
 * Upserts the demo workspaces and tops Kumo's history up to 19 exports this month, so its next
 * export is its last. Safe to run on every start. Resolves with the workspace ids. Without
 * `history` (benchmarks) no jobs are added: the reconciler would send the 19 through the
 * pipeline in the middle of a measurement.
 */
export async function seedDemoWorkspaces(
  { jobs, workspaces }: { jobs: JobStore; workspaces: WorkspaceStore },
  now = new Date(),
  history = true,
): Promise<string[]> {
  for (const workspace of DEMO_WORKSPACES) await workspaces.upsert(workspace);
  if (!history) return DEMO_WORKSPACES.map((w) => w.workspace_id);
  const used = await jobs.countTowardsQuota('ws_kumo', monthStart(now));
  for (const job of kumoHistory(now).slice(used)) await jobs.create(job);
  return DEMO_WORKSPACES.map((w) => w.workspace_id);
}
