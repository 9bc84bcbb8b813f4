import type { Permission } from '../src/access';

/**
 * The commands people can type, as help shows them. A command with a permission is listed
 * only for users who hold it (the routes check again on the server whatever help showed).
 */
export interface CommandInfo {
  usage: string;
  description: string;
  permission?: Permission;
}

export const COMMANDS: CommandInfo[] = [
  { usage: 'help', description: 'What I can do for you.' },
  { usage: 'find <serial | asset id | user@domain>', description: 'Find a device and open its card (also: a serial on its own, "who has asset …", "devices in room 12").', permission: 'Own devices/Read' },
  { usage: 'whoami', description: 'Your name, roles, permissions and scopes as I see them.' },
  { usage: 'audit [serial | user@domain]', description: 'Latest audit entries for a device, a person or the whole tenant.', permission: 'Audit/Read' },
  { usage: 'connector status', description: 'The Chrome Enterprise connection: state, last check-in, devices synced.', permission: 'Managed devices/Read' },
  { usage: 'connector setup', description: 'What to authorise in the Google Admin console to connect.', permission: 'Chrome Enterprise/Update connection settings' },
  { usage: 'connector connect', description: 'Check the Google credentials and start the first sync.', permission: 'Chrome Enterprise/Update connection settings' },
  { usage: 'connector sync', description: 'Sync the ChromeOS devices from Google now.', permission: 'Chrome Enterprise/Update connection settings' },
  { usage: 'connector delete', description: 'Remove the connection and every synced ChromeOS device (asks to confirm).', permission: 'Chrome Enterprise/Delete connection settings' },
];
