import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';

/** One person in the Playground's config file (its own field names, `userPrincipleName` sic). */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface PlaygroundConfig {
  version: string;
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] };
}

export function readPlaygroundConfig(path: string): PlaygroundConfig {
  return YAML.parse(readFileSync(path, 'utf8')) as PlaygroundConfig;
}

/**
 * The same tenant seen by another person: they become currentUser and the previous one joins
 * `users`. The Playground has no way to change user while it runs, so switching means restarting
 * it with this file. Each person gets their own personal chat id, as in Teams, so the bot
 * doesn't mix up their one-to-one conversations.
 */
export function configAs(base: PlaygroundConfig, who: string): PlaygroundConfig {
  const everyone = [base.currentUser, ...base.users];
  const wanted = who.toLowerCase();
  const next = everyone.find((u) =>
    [u.name, u.givenName, u.id, u.aadObjectId, u.userPrincipleName, u.email].some((v) => v.toLowerCase() === wanted),
  );
  if (!next)
    throw new Error(`no user "${who}" in the Playground config; known: ${everyone.map((u) => u.name).join(', ')}`);
  return {
    ...base,
    currentUser: next,
    users: everyone.filter((u) => u !== next),
    personalChat: { id: next === base.currentUser ? base.personalChat.id : `${base.personalChat.id}-${next.id}` },
  };
}

export function writePlaygroundConfig(path: string, config: PlaygroundConfig): void {
  writeFileSync(path, YAML.stringify(config));
}
