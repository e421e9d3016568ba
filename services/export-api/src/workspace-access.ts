import { AppError } from '@wevion/shared';
import type { User } from './domain/user.ts';
import { crossChannelEnabled, type Workspace } from './domain/workspace.ts';
import type { WorkspaceStore } from './ports.ts';

/**
 * The one gate every workspace endpoint passes first: exports, the summary and webhooks need
 * the workspace and cross-channel analytics on it; branding needs only the workspace.
 */
export class WorkspaceAccess {
  constructor(
    private readonly workspaces: WorkspaceStore,
    private readonly options: { crossChannelEnabled: boolean },
  ) {}

  /** The signed-in user's workspace; a 404 when it does not exist. */
  async existing(user: User): Promise<Workspace> {
    const workspace = await this.workspaces.get(user.workspace_id);
    if (!workspace)
      throw new AppError('workspace_not_found', 'Your workspace does not exist.', { status: 404 });
    return workspace;
  }

  /** The user's workspace past the feature gate: a 404 when cross-channel analytics are off. */
  async crossChannel(user: User): Promise<Workspace> {
    const workspace = await this.existing(user);
    if (!crossChannelEnabled(workspace, this.options.crossChannelEnabled)) {
      throw new AppError('cross_channel_disabled', 'Cross-channel analytics are disabled', {
        status: 404,
      });
    }
    return workspace;
  }
}
