import { randomUUID } from 'node:crypto';
import { Config, loadConfig } from '../../src/config';
import { RunningBot, startDeviceDesk, StartOptions } from '../../src/index';
import {
  FABRIKAM_PEOPLE,
  SANDBOX_DIRECTORY,
  SANDBOX_PEOPLE,
  SANDBOX_TENANT_ID,
  SandboxPerson,
} from '../../src/sandbox/people';
import { captureLogger } from './logs';
import { RecordedCall, RecordingConnector } from './connector';

export type PersonKey = 'alex' | 'megan' | 'adele' | 'isaiah' | 'patti' | 'lynne' | 'diego' | 'lidia';

export const PEOPLE: Record<PersonKey, SandboxPerson> = {
  alex: SANDBOX_PEOPLE[0],
  megan: SANDBOX_PEOPLE[1],
  adele: SANDBOX_PEOPLE[2],
  isaiah: SANDBOX_PEOPLE[3],
  patti: SANDBOX_PEOPLE[4],
  lynne: SANDBOX_PEOPLE[5],
  // Fabrikam, the second sandbox tenant.
  diego: FABRIKAM_PEOPLE[0],
  lidia: FABRIKAM_PEOPLE[1],
};

/** The tenant a person belongs to; someone no directory knows (a test's impostor) says so per turn. */
const tenantOf = (person: SandboxPerson): string =>
  SANDBOX_DIRECTORY.find((p) => p.teamsId === person.teamsId)?.tenantId ?? SANDBOX_TENANT_ID;

export interface TurnOptions {
  as?: PersonKey | SandboxPerson;
  /** Conversation id; default: the person's personal chat with the bot. */
  conversationId?: string;
  conversationType?: 'personal' | 'channel' | 'groupChat';
  tenantId?: string;
  /** Id of the message a card invoke came from. */
  replyToId?: string;
  /** Teams' channelData beside the tenant (team and channel names, …). */
  channelData?: Record<string, unknown>;
}

export interface Harness {
  bot: RunningBot;
  connector: RecordingConnector;
  logs: ReturnType<typeof captureLogger>;
  url: string;
  /** Posts a message; resolves when the bot has answered the HTTP request, with what it sent meanwhile. */
  send(text: string, options?: TurnOptions): Promise<{ status: number; replies: RecordedCall[] }>;
  /** Posts an Action.Execute invoke; resolves with the invoke response body. */
  invoke(
    verb: string,
    data: Record<string, unknown>,
    options?: TurnOptions,
  ): Promise<{ status: number; body: any; replies: RecordedCall[] }>;
  /** Posts any activity as it is (for forged or malformed input). */
  post(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Passed to startDeviceDesk (clock, a shared Google emulator, Redis prefix, action settings…). */
  start?: Omit<StartOptions, 'logger'>;
  /** Reuse a running connector (a bot restarted mid-conversation); it is then left running by stop(). */
  connector?: RecordingConnector;
}

const personOf = (as: TurnOptions['as']): SandboxPerson => (typeof as === 'object' ? as : PEOPLE[as ?? 'alex']);

/**
 * Starts the real bot on a free port with a recording Bot Connector on another, and talks to it
 * the way Teams does: HTTP POSTs of Bot Framework activities to /api/messages.
 */
export async function startHarness(
  env: Record<string, string> = {},
  tweak?: (c: Config) => Config,
  options: HarnessOptions = {},
): Promise<Harness> {
  const ownConnector = !options.connector;
  const connector = options.connector ?? new RecordingConnector();
  if (ownConnector) await connector.start();
  const logs = captureLogger();
  // Tests send turns faster than people do; the ones about the rate limit set their own.
  const unlimited = { RATE_LIMIT_PERSON_PER_MINUTE: '1000000', RATE_LIMIT_TENANT_PER_MINUTE: '1000000' };
  let config = { ...loadConfig({ SANDBOX: 'true', LOG_LEVEL: 'debug', ...unlimited, ...env }), port: 0 };
  if (tweak) config = tweak(config);
  const bot = await startDeviceDesk(config, { ...options.start, logger: logs.logger });
  const url = `http://127.0.0.1:${bot.port}/api/messages`;

  const base = (options: TurnOptions = {}) => {
    const person = personOf(options.as);
    const tenantId = options.tenantId ?? tenantOf(person);
    const conversationType = options.conversationType ?? 'personal';
    return {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
      recipient: { id: '28:device-desk', name: 'Device Desk' },
      conversation: {
        id: options.conversationId ?? `personal-${person.teamsId}`,
        conversationType,
        tenantId,
        isGroup: conversationType !== 'personal',
      },
      channelData: { ...options.channelData, tenant: { id: tenantId } },
      locale: 'en-US',
      ...(options.replyToId ? { replyToId: options.replyToId } : {}),
    };
  };

  async function post(activity: Record<string, unknown>) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body };
  }

  return {
    bot,
    connector,
    logs,
    url,
    post,
    async send(text, options) {
      const activity = { ...base(options), type: 'message', text };
      const before = connector.calls.length;
      const { status } = await post(activity);
      return { status, replies: connector.calls.slice(before).filter((c) => c.method === 'POST') };
    },
    async invoke(verb, data, options) {
      const activity = {
        ...base(options),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      };
      const before = connector.calls.length;
      const { status, body } = await post(activity);
      return { status, body, replies: connector.calls.slice(before).filter((c) => c.method === 'POST') };
    },
    async stop() {
      await bot.stop();
      if (ownConnector) await connector.stop();
    },
  };
}
