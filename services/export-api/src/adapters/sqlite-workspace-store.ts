import type Database from 'better-sqlite3';
import type { Workspace } from '../domain/workspace.ts';
import type { WorkspaceStore } from '../ports.ts';

/** Workspaces as JSON documents in the same SQLite file as the jobs. */
export class SqliteWorkspaceStore implements WorkspaceStore {
  constructor(private readonly db: Database.Database) {}

  async get(workspaceId: string): Promise<Workspace | null> {
    const row = this.db
      .prepare('SELECT document FROM workspaces WHERE workspace_id = ?')
      .get(workspaceId) as { document: string } | undefined;
    return row ? (JSON.parse(row.document) as Workspace) : null;
  }

  async upsert(workspace: Workspace): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO workspaces (workspace_id, document) VALUES (?, ?)
         ON CONFLICT (workspace_id) DO UPDATE SET document = excluded.document`,
      )
      .run(workspace.workspace_id, JSON.stringify(workspace));
  }
}
