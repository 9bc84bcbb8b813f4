import { readFileSync } from 'node:fs';
import { admin, auth } from '@googleapis/admin';
import { Logger } from 'pino';
import { Clock, systemClock } from '../clock';
import { httpFetch } from '../egress';
import { silentLogger } from '../log';
import type { DeskMetrics } from '../telemetry';
import { GoogleDeviceDirectory } from './google-device-directory';
import { RetryOptions, createRetryPolicy } from './retry';

export const DIRECTORY_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.device.chromeos',
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
];

export interface DeviceDirectoryConfig {
  /** `my_customer` or the Google customer id. */
  customerId: string;
  /** The emulator's root (http://127.0.0.1:PORT/); Google's when omitted. */
  rootUrl?: string;
  /** A fixed access token (the emulator). */
  accessToken?: string;
  /** Production: a service account key with domain-wide delegation… */
  serviceAccountKeyFile?: string;
  /** …acting as this Workspace admin. */
  subject?: string;
  /** Shown as the connected account; defaults to the subject. */
  account?: string;
  logger?: Logger;
  clock?: Clock;
  retry?: RetryOptions;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Counts and times every call for /metrics. */
  metrics?: DeskMetrics;
  /** Reads the key file; injectable for tests. */
  readKeyFile?: (path: string) => string;
}

function serviceAccountAuth(config: DeviceDirectoryConfig) {
  const file = config.serviceAccountKeyFile as string;
  let key: { client_email?: string; private_key?: string };
  try {
    key = JSON.parse((config.readKeyFile ?? ((p) => readFileSync(p, 'utf8')))(file));
  } catch (err) {
    throw new Error(
      `GOOGLE_SERVICE_ACCOUNT_KEY_FILE (${file}) could not be read as a JSON key: download the service account's JSON key again.`,
      { cause: err },
    );
  }
  if (!key.client_email || !key.private_key) {
    throw new Error(
      `GOOGLE_SERVICE_ACCOUNT_KEY_FILE (${file}) has no client_email/private_key: it must be a service account JSON key.`,
    );
  }
  return new auth.JWT({
    email: key.client_email,
    key: key.private_key,
    scopes: DIRECTORY_SCOPES,
    subject: config.subject,
    // The token request goes out like every other call: Node's fetch, which honours HTTPS_PROXY.
    transporterOptions: { fetchImplementation: fetch },
  });
}

/** The one place that builds the Directory API client, for Google or for the emulator. */
export function createDeviceDirectory(config: DeviceDirectoryConfig): GoogleDeviceDirectory {
  let client;
  if (config.accessToken) {
    client = new auth.OAuth2();
    client.setCredentials({ access_token: config.accessToken });
  } else if (config.serviceAccountKeyFile && config.subject) {
    client = serviceAccountAuth(config);
  } else {
    throw new Error(
      'Google Directory needs either an access token (sandbox) or GOOGLE_SERVICE_ACCOUNT_KEY_FILE with GOOGLE_ADMIN_SUBJECT.',
    );
  }
  const api = admin({
    version: 'directory_v1',
    auth: client,
    ...(config.rootUrl ? { rootUrl: config.rootUrl } : {}),
    // Our retry policy is the only one: gaxios' would retry again underneath it.
    retry: false,
    timeout: config.timeoutMs ?? 30_000,
    // Node's http and https modules behind a fetch: half the CPU of Node's own fetch per call (see
    // httpFetch), and gaxios would otherwise import node-fetch dynamically, which breaks under jest.
    fetchImplementation: httpFetch,
  });
  return new GoogleDeviceDirectory({
    api,
    customerId: config.customerId,
    account: config.account ?? config.subject ?? 'sandbox admin',
    logger: config.logger ?? silentLogger,
    retry: createRetryPolicy(config.retry, config.clock ?? systemClock),
    clock: config.clock ?? systemClock,
    metrics: config.metrics,
  });
}
