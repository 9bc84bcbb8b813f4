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
  { usage: 'whoami', description: 'Your name, roles, permissions and scopes as I see them.' },
  { usage: 'audit [serial | user@domain]', description: 'Latest audit entries for a device, a person or the whole tenant.', permission: 'Audit/Read' },
];
