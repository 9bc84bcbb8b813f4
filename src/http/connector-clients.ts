import { sendMessagesDirectly } from './connector-replies';

/** The parts of botframework-connector's ConnectorFactory and BotFrameworkAuthentication used here. */
interface ConnectorFactory {
  create(serviceUrl: string, audience?: string): Promise<unknown>;
}
interface BotFrameworkAuthentication {
  authenticateRequest(activity: unknown, authHeader: string): Promise<{ connectorFactory?: ConnectorFactory }>;
  createConnectorFactory(claimsIdentity: unknown): ConnectorFactory;
  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<unknown>;
}
interface ClaimsIdentity {
  getClaimValue(claimType: string): string | null;
}

/** More service URLs than any deployment sees (Teams has a few per region): past it, start again. */
const MAX_CLIENTS = 64;

/** What botframework-connector's own factory is made from; its clients depend on nothing else. */
interface FactorySettings {
  appId?: string;
  toChannelFromBotOAuthScope?: string;
  loginEndpoint?: string;
  validateAuthority?: boolean;
}

/**
 * botbuilder builds a new Bot Connector client, with its credentials and HTTP pipeline, for every
 * turn: about 4 % of a card turn's CPU time. A client holds no state of a turn (its credentials
 * fetch and renew tokens themselves), so one client per app id, service URL and audience is kept
 * and reused. Every request is still authenticated as before: only the outbound client is reused.
 */
export function reuseConnectorClients(adapter: object): void {
  const auth = (adapter as { botFrameworkAuthentication?: BotFrameworkAuthentication }).botFrameworkAuthentication;
  if (!auth) throw new Error('The adapter has no Bot Framework authentication to reuse connector clients with.');
  const clients = new Map<string, Promise<unknown>>();
  const reusing = (factory: ConnectorFactory): ConnectorFactory => {
    const s = factory as ConnectorFactory & FactorySettings;
    const made = [s.appId, s.toChannelFromBotOAuthScope, s.loginEndpoint, s.validateAuthority];
    return {
      create: (serviceUrl: string, audience?: string) =>
        kept(clients, JSON.stringify([...made, serviceUrl, audience]), async () => {
          const client = await factory.create(serviceUrl, audience);
          sendMessagesDirectly(client as Parameters<typeof sendMessagesDirectly>[0]);
          return client;
        }),
    };
  };
  const authenticateRequest = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: reusing(result.connectorFactory) } : result;
  };
  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claimsIdentity) => reusing(createConnectorFactory(claimsIdentity));
  reuseUserTokenClients(auth);
}

/**
 * botbuilder also builds a client of the token service (with its own credentials and HTTP
 * pipeline) for every turn, used only by sign-in flows: about 4 % of a card turn's CPU time. It
 * holds the bot's app id and credentials and nothing of a turn, and the app id is all it is made
 * from besides the adapter's fixed settings: botframework-connector reads it from the `aud` claim,
 * else the `appid` claim, so one client per pair of those is kept.
 */
function reuseUserTokenClients(auth: BotFrameworkAuthentication): void {
  const clients = new Map<string, Promise<unknown>>();
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (claimsIdentity) =>
    kept(clients, JSON.stringify([claimsIdentity.getClaimValue('aud'), claimsIdentity.getClaimValue('appid')]), () =>
      createUserTokenClient(claimsIdentity),
    );
}

/** The client kept under `key`, made on first use; at most MAX_CLIENTS are kept. */
function kept(clients: Map<string, Promise<unknown>>, key: string, make: () => Promise<unknown>): Promise<unknown> {
  let client = clients.get(key);
  if (!client) {
    if (clients.size >= MAX_CLIENTS) clients.clear();
    client = make();
    clients.set(key, client);
    // A failed creation is not kept: the next turn tries again.
    client.catch(() => clients.delete(key));
  }
  return client;
}
