import type { Workspace } from '../../src/domain/workspace.ts';
import type { WorkspaceStore } from '../../src/ports.ts';

export class InMemoryWorkspaceStore implements WorkspaceStore {
  private readonly workspaces = new Map<string, Workspace>();

  constructor(seed: readonly Workspace[] = []) {
    for (const workspace of seed)
      this.workspaces.set(workspace.workspace_id, structuredClone(workspace));
  }

  async get(workspaceId: string): Promise<Workspace | null> {
    const workspace = this.workspaces.get(workspaceId);
    return workspace ? structuredClone(workspace) : null;
  }

  async upsert(workspace: Workspace): Promise<void> {
    this.workspaces.set(workspace.workspace_id, structuredClone(workspace));
  }
}
