/**
 * npm run token -- <workspace_id> [admin|mediabuyer|viewer]: a user token signed with
 * JWT_SECRET, valid 12 hours, for trying a deployment (docker compose) without the platform.
 */
import { signDevToken } from '../local-system.ts';

const [workspace, role = 'admin'] = process.argv.slice(2);
const secret = process.env.JWT_SECRET;
if (!workspace || !secret || !['admin', 'mediabuyer', 'viewer'].includes(role)) {
  console.error('Usage: JWT_SECRET=… npm run token -- <workspace_id> [admin|mediabuyer|viewer]');
  process.exit(2);
}
console.log(await signDevToken(secret, { sub: 'user_cli', workspace_id: workspace, role }));
