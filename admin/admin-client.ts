/**
 * The client side of the admin socket, in one import: requests, formatting for people, and
 * the `troupe admin` command.
 */
export {
  AdminClientError,
  AdminClientErrorCode,
  DEFAULT_ADMIN_TIMEOUT_MS,
  adminRequest,
} from './admin-request';
export { formatStats, formatTree } from './admin-format';
export { ADMIN_USAGE, DEFAULT_ADMIN_PATH, ExitCode, runAdminCommand } from './admin-command';
export type { AdminAnswer } from './admin-protocol';
export type { TreeNode } from './admin-target';
