import { readFileSync } from 'node:fs';

/**
 * The service account's OAuth client id (the key file's client_id): what an admin pastes into
 * Google's domain-wide delegation. Undefined when the file can't be read.
 */
export function readServiceAccountClientId(
  path: string,
  read: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): string | undefined {
  try {
    const key = JSON.parse(read(path)) as { client_id?: unknown };
    return typeof key.client_id === 'string' && key.client_id.trim() ? key.client_id.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Shown by `connector setup` in sandbox mode, where there is no key file. */
export const SANDBOX_CLIENT_ID = '100000000000000000001';
