/**
 * Child process for the outbound proxy test: installs the proxy from the environment the way
 * main() does, then makes one real client's first call to its real host. Nothing leaves the
 * machine: the test's proxy refuses every non-local target, and without it DNS fails here.
 *   tsx test/egress/call-out.ts google|google-directory|graph|botframework
 * Prints one JSON line: { client, error } (the call is expected to fail; where it went is what counts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createDeviceDirectory } from '../../src/directory';
import { installOutboundProxy } from '../../src/egress';
import { GraphHttpClient } from '../../src/intune';
import { writeServiceAccountKey } from '../support/service-account-key';

const APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

const clients: Record<string, () => Promise<unknown>> = {
  // Google's token endpoint (service account with domain-wide delegation), then the Directory API.
  google: () =>
    createDeviceDirectory({
      customerId: 'my_customer',
      serviceAccountKeyFile: writeServiceAccountKey(mkdtempSync(join(tmpdir(), 'desk-sa-'))),
      subject: 'admin@contoso.com',
      retry: { maxAttempts: 1 },
    }).get('device-1'),
  // The Directory API itself, with a token at hand (the call the sandbox makes to its emulator).
  'google-directory': () =>
    createDeviceDirectory({
      customerId: 'my_customer',
      accessToken: 'not-a-real-token',
      retry: { maxAttempts: 1 },
    }).get('device-1'),
  // Entra's token endpoint (client credentials), then Graph.
  graph: () =>
    new GraphHttpClient({
      auth: { kind: 'client-credentials', tenantId: 'contoso.onmicrosoft.com', clientId: APP_ID, clientSecret: 'x' },
      maxRetries: 0,
    }).request('GET', '/deviceManagement/managedDevices'),
  // The Bot Framework token (MSAL), then the Bot Connector: a proactive message as the bot sends it.
  botframework: () =>
    new TeamsAdapter({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'x',
      MicrosoftAppType: 'MultiTenant',
    }).continueConversationAsync(
      APP_ID,
      {
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/teams/',
        conversation: { id: 'a:1', isGroup: false, conversationType: 'personal', name: '' },
        bot: { id: `28:${APP_ID}`, name: 'Device Desk' },
      },
      async (ctx) => {
        await ctx.sendActivity('hello');
      },
    ),
};

async function main(): Promise<void> {
  const client = process.argv[2];
  const call = clients[client];
  if (!call) throw new Error(`unknown client ${client}; one of ${Object.keys(clients).join(', ')}`);
  installOutboundProxy(process.env);
  let error: string | undefined;
  try {
    await call();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    error = `${e.message} ${e.cause?.code ?? ''}`.trim();
  }
  process.stdout.write(`${JSON.stringify({ client, error })}\n`);
}

void main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  },
);
