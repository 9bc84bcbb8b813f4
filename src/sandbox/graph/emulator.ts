/**
 * A local stand-in for Microsoft Graph and its token endpoint, speaking Graph's shapes over real
 * HTTP so the production client is what the sandbox and the tests exercise. Users and groups
 * come from the sandbox tenant; more routes (managed devices) can be added with `addRoute`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../clock';
import type { IntuneFleetDevice } from '../fleet';
import { SANDBOX_TENANT_ID } from '../people';
import {
  mintAppToken,
  permissionFor,
  readAppToken,
  SANDBOX_GRANTED_PERMISSIONS,
  type AppTokenClaims,
} from './app-permissions';
import { EmulatedDirectory } from './directory';
import { authorizationDenied, graphError, intuneForbidden } from './graph-errors';
import { registerManagedDeviceRoutes } from './managed-device-routes';
import { EmulatedIntune } from './managed-devices';
import type { RouteHandler, RouteResult } from './routes';

export { graphError } from './graph-errors';
export type { RouteContext, RouteHandler, RouteResult } from './routes';

export const EMULATOR_CLIENT_ID = '11111111-2222-3333-4444-555555555555';
export const EMULATOR_CLIENT_SECRET = 'sandbox-graph-secret';
const API_PREFIX = '/v1.0';
/** Intune's approval requests exist in beta only; the emulator serves every route under both. */
const API_PREFIXES = [API_PREFIX, '/beta'];
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** Graph's limit for checkMemberGroups. */
const MAX_GROUP_IDS = 20;

export interface GraphEmulatorOptions {
  port?: number;
  host?: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** A token that is always accepted, for clients configured with a fixed token (it carries the granted permissions). */
  fixedToken?: string;
  /**
   * The application permissions the app registration is granted: the `roles` claim of every token
   * the emulator issues. Default: what Device Desk needs (SANDBOX_GRANTED_PERMISSIONS).
   */
  permissions?: readonly string[];
  /** Permissions taken away from `permissions`, to show what a tenant that forgot one sees. */
  withoutPermissions?: readonly string[];
  tokenLifetimeSeconds?: number;
  directory?: EmulatedDirectory;
  /** Intune managed devices served under /deviceManagement (none by default). */
  managedDevices?: IntuneFleetDevice[];
  /** Moves remote-lock results and approval expiry; the system clock by default. */
  clock?: Clock;
}

export interface RecordedRequest {
  method: string;
  /** Path without the /v1.0 prefix and without the query, e.g. /users/x/checkMemberGroups. */
  path: string;
  status: number;
  body?: unknown;
}

export interface GraphEmulator {
  /** e.g. http://127.0.0.1:PORT/v1.0 — GRAPH_BASE_URL */
  baseUrl: string;
  /** e.g. http://127.0.0.1:PORT — where /{tenant}/oauth2/v2.0/token lives */
  authorityHost: string;
  tokenUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  fixedToken: string;
  /** The application permissions in the tokens' `roles` claim. */
  grantedPermissions: readonly string[];
  directory: EmulatedDirectory;
  /** Intune's state: devices, locks, Multi Admin Approval switch and decisions. */
  intune: EmulatedIntune;
  /** API requests seen (token requests excluded), oldest first. */
  requests: RecordedRequest[];
  tokenRequests: number;
  /** Answer the next `count` API requests with 429 and Retry-After. */
  throttleNext(count: number, retryAfterSeconds?: number): void;
  /** Answer the next `count` API requests with a server error. */
  failNext(count: number, status?: number): void;
  /** Make every issued token invalid, as if it expired. */
  revokeTokens(): void;
  /** Add a route under /v1.0; the pattern is matched against the path without the prefix. Added routes win over built-in ones. */
  addRoute(method: string, pattern: RegExp, handler: RouteHandler): void;
  close(): Promise<void>;
}

export async function startGraphEmulator(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const app = appRegistration(options);
  const directory = options.directory ?? EmulatedDirectory.sandbox();
  const intune = new EmulatedIntune(options.managedDevices ?? [], options.clock, app.clientId, (upn) => {
    const user = directory.findUser(upn);
    return user && { id: user.id, displayName: user.displayName };
  });
  const core = new GraphCore(app);
  registerDirectoryRoutes(core.addRoute, directory);
  registerManagedDeviceRoutes(core.addRoute, intune);

  const server = createServer((req, res) => {
    core.handle(req, res).catch((err) => send(res, graphError(500, 'InternalServerError', (err as Error).message)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const authorityHost = `http://${address.address}:${address.port}`;

  return {
    baseUrl: `${authorityHost}${API_PREFIX}`,
    authorityHost,
    tokenUrl: `${authorityHost}/${app.tenantId}/oauth2/v2.0/token`,
    tenantId: app.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    fixedToken: app.fixedToken,
    grantedPermissions: app.granted,
    directory,
    intune,
    requests: core.requests,
    get tokenRequests() {
      return core.tokenRequests;
    },
    throttleNext(count, retryAfterSeconds = 1) {
      core.throttle = { count, retryAfter: retryAfterSeconds };
    },
    failNext(count, status = 503) {
      core.failures = { count, status };
    },
    revokeTokens() {
      core.tokens.clear();
    },
    addRoute: core.addOverride,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The one app registration the emulator knows: its tenant, credentials and granted permissions. */
interface AppRegistration {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Token lifetime, seconds. */
  lifetime: number;
  granted: string[];
  /** A token that never expires, for tests that skip the token endpoint. */
  fixedToken: string;
  /** The claims of an app-only token that expires in this many seconds. */
  claims(expiresInSeconds: number): AppTokenClaims;
}

function appRegistration(options: GraphEmulatorOptions): AppRegistration {
  const tenantId = options.tenantId ?? SANDBOX_TENANT_ID;
  const clientId = options.clientId ?? EMULATOR_CLIENT_ID;
  const without = new Set(options.withoutPermissions ?? []);
  const granted = [...(options.permissions ?? SANDBOX_GRANTED_PERMISSIONS)].filter((p) => !without.has(p));
  const claims = (expiresInSeconds: number) => ({
    aud: 'https://graph.microsoft.com',
    tid: tenantId,
    appid: clientId,
    roles: [...granted],
    exp: Math.floor(Date.now() / 1000) + expiresInSeconds,
  });
  return {
    tenantId,
    clientId,
    clientSecret: options.clientSecret ?? EMULATOR_CLIENT_SECRET,
    lifetime: options.tokenLifetimeSeconds ?? 3600,
    granted,
    fixedToken: options.fixedToken ?? mintAppToken(claims(10 * 365 * 86_400)),
    claims,
  };
}

type AddRoute = (method: string, pattern: RegExp, handler: RouteHandler) => void;

/**
 * The request pipeline Graph puts every call through, in its order: the token endpoint, the API
 * version, the bearer token, throttling and outages, the app permission, the JSON body, the route.
 */
class GraphCore {
  readonly tokens = new Map<string, number>();
  readonly requests: RecordedRequest[] = [];
  throttle = { count: 0, retryAfter: 1 };
  failures = { count: 0, status: 503 };
  tokenRequests = 0;
  private readonly routes: { method: string; pattern: RegExp; handler: RouteHandler }[] = [];

  constructor(private readonly app: AppRegistration) {}

  readonly addRoute: AddRoute = (method, pattern, handler) =>
    this.routes.push({ method: method.toUpperCase(), pattern, handler });

  /** Tests' own routes come first, so they can stand in for a built-in one. */
  readonly addOverride: AddRoute = (method, pattern, handler) =>
    this.routes.unshift({ method: method.toUpperCase(), pattern, handler });

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const raw = await readBody(req);
    const tokenMatch = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method === 'POST' && tokenMatch) {
      this.tokenRequests++;
      return send(res, this.issueToken(decodeURIComponent(tokenMatch[1]), new URLSearchParams(raw)));
    }
    const prefix = API_PREFIXES.find((p) => url.pathname.startsWith(`${p}/`));
    if (!prefix)
      return send(res, graphError(400, 'BadRequest', `Invalid version: ${url.pathname.split('/')[1] ?? ''}`));
    const path = url.pathname.slice(prefix.length);
    const record = (result: RouteResult, body?: unknown) => {
      this.requests.push({
        method: req.method ?? 'GET',
        path,
        status: result.status,
        ...(body !== undefined ? { body } : {}),
      });
      send(res, result);
    };
    const refused = this.refusal(req, path, url);
    if (refused) return record(refused);
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return record(graphError(400, 'BadRequest', 'Unable to read JSON request payload.'));
      }
    }
    const apiBase = `http://${req.headers.host}${prefix}`;
    return record(await this.route(req, url, path, body, apiBase), body);
  }

  /** What Graph answers before it looks at the route: no valid token, throttled, an outage, a missing permission. */
  private refusal(req: IncomingMessage, path: string, url: URL): RouteResult | undefined {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const valid = token !== undefined && (token === this.app.fixedToken || (this.tokens.get(token) ?? 0) > Date.now());
    if (!valid || token === undefined)
      return graphError(
        401,
        'InvalidAuthenticationToken',
        token ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.',
      );
    if (this.throttle.count > 0) {
      this.throttle.count--;
      const r = graphError(
        429,
        'TooManyRequests',
        'Too many requests have been sent. Retry after the time in the Retry-After header.',
      );
      return { ...r, headers: { ...r.headers, 'retry-after': String(this.throttle.retryAfter) } };
    }
    if (this.failures.count > 0) {
      this.failures.count--;
      const code = this.failures.status === 503 ? 'ServiceUnavailable' : 'InternalServerError';
      return graphError(this.failures.status, code, 'The service is temporarily unavailable.');
    }
    // App-only tokens carry the granted application permissions in `roles`; a route whose
    // permission is missing is refused before anything happens (Graph checks it first too).
    const needed = permissionFor(req.method ?? 'GET', path);
    const roles = token === this.app.fixedToken ? this.app.granted : (readAppToken(token)?.roles ?? []);
    if (needed && !needed.anyOf.some((p) => roles.includes(p)))
      return needed.body === 'intune' ? intuneForbidden(needed.anyOf, url.toString()) : authorizationDenied();
    return undefined;
  }

  private async route(
    req: IncomingMessage,
    url: URL,
    path: string,
    body: unknown,
    apiBase: string,
  ): Promise<RouteResult> {
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params = m.slice(1).map((p) => decodeURIComponent(p));
      return route.handler({ req, url, params, body, apiBase });
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
  }

  /** The client-credentials grant, with Entra's AADSTS errors for a wrong tenant, client, secret or scope. */
  private issueToken(tenant: string, form: URLSearchParams): RouteResult {
    const { tenantId, clientId, clientSecret, lifetime } = this.app;
    if (tenant.toLowerCase() !== tenantId.toLowerCase())
      return aadError(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials')
      return aadError(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    if (form.get('client_id') !== clientId)
      return aadError(
        400,
        'unauthorized_client',
        `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`,
      );
    if (form.get('client_secret') !== clientSecret)
      return aadError(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
    if (form.get('scope') !== GRAPH_SCOPE)
      return aadError(
        400,
        'invalid_scope',
        `AADSTS1002012: The provided value for scope ${form.get('scope') ?? ''} is not valid.`,
      );
    const token = mintAppToken(this.app.claims(lifetime));
    this.tokens.set(token, Date.now() + lifetime * 1000);
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
    };
  }
}

function aadError(status: number, error: string, description: string): RouteResult {
  return {
    status,
    body: {
      error,
      error_description: description,
      error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}

function registerDirectoryRoutes(addRoute: AddRoute, directory: EmulatedDirectory): void {
  const userNotFound = (id: string) =>
    graphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  const select = (obj: Record<string, unknown>, url: URL): Record<string, unknown> => {
    const fields = url.searchParams
      .get('$select')
      ?.split(',')
      .map((f) => f.trim());
    if (!fields) return obj;
    return Object.fromEntries(Object.entries(obj).filter(([k]) => fields.includes(k) || k === 'id'));
  };

  addRoute('GET', /^\/users\/([^/]+)$/, ({ params, url, apiBase }) => {
    const user = directory.findUser(params[0]);
    if (!user) return userNotFound(params[0]);
    return {
      status: 200,
      body: { '@odata.context': `${apiBase}/$metadata#users/$entity`, ...select({ ...user }, url) },
    };
  });

  addRoute('GET', /^\/groups\/([^/]+)$/, ({ params, url, apiBase }) => {
    const group = directory.findGroup(params[0]);
    if (!group) return userNotFound(params[0]);
    const { members: _members, ...shown } = group;
    return {
      status: 200,
      body: {
        '@odata.context': `${apiBase}/$metadata#groups/$entity`,
        ...select({ ...shown, securityEnabled: true, mailEnabled: false }, url),
      },
    };
  });

  addRoute('POST', /^\/users\/([^/]+)\/checkMemberGroups$/, ({ params, body, apiBase }) => {
    const user = directory.findUser(params[0]);
    if (!user) return userNotFound(params[0]);
    const groupIds = (body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(groupIds) || groupIds.some((g) => typeof g !== 'string')) {
      return graphError(400, 'Request_BadRequest', "Invalid value specified for property 'groupIds'.");
    }
    if (groupIds.length > MAX_GROUP_IDS) {
      return graphError(400, 'Request_BadRequest', `The number of group ids exceeds the limit of ${MAX_GROUP_IDS}.`);
    }
    const mine = new Set(directory.transitiveGroupsOf(user.id).map((g) => g.id.toLowerCase()));
    return {
      status: 200,
      body: {
        '@odata.context': `${apiBase}/$metadata#Collection(Edm.String)`,
        value: (groupIds as string[]).filter((g) => mine.has(g.toLowerCase())),
      },
    };
  });

  addRoute('GET', /^\/users\/([^/]+)\/transitiveMemberOf$/, ({ params, url, apiBase }) => {
    const user = directory.findUser(params[0]);
    if (!user) return userNotFound(params[0]);
    const all = directory.transitiveGroupsOf(user.id).map((g) => ({
      '@odata.type': '#microsoft.graph.group',
      id: g.id,
      displayName: g.displayName,
      securityEnabled: true,
    }));
    const top = Math.min(Math.max(Number(url.searchParams.get('$top') ?? 100) || 100, 1), 999);
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
    const page = all.slice(skip, skip + top);
    const next =
      skip + top < all.length
        ? `${apiBase}/users/${encodeURIComponent(params[0])}/transitiveMemberOf?$top=${top}&$skiptoken=${skip + top}`
        : undefined;
    return {
      status: 200,
      body: {
        '@odata.context': `${apiBase}/$metadata#directoryObjects`,
        value: page,
        ...(next ? { '@odata.nextLink': next } : {}),
      },
    };
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: RouteResult): void {
  const payload = result.body === undefined ? '' : JSON.stringify(result.body);
  res.writeHead(result.status, {
    ...(payload ? { 'content-type': 'application/json; odata.metadata=minimal' } : {}),
    'content-length': Buffer.byteLength(payload),
    ...result.headers,
  });
  res.end(payload);
}
