/**
 * A small Microsoft Graph client on fetch: app-only token, retries on throttling and server
 * errors, typed errors, paging. Everything in src/intune that talks to Graph goes through it.
 * Tokens and secrets never reach a log line or an error message.
 */
import { systemClock, type Clock } from '../clock';
import { UpstreamError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { type DeskMetrics, observeUpstream, routeOf, type UpstreamCall } from '../telemetry';
import { graphPermissionFor, scopesNamedIn } from './graph-permissions';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export type GraphAuth =
  | { kind: 'client-credentials'; tenantId: string; clientId: string; clientSecret: string; authorityHost?: string }
  /** A token issued out of band, e.g. by the sandbox emulator. */
  | { kind: 'fixed-token'; token: string };

export interface GraphClientOptions {
  auth: GraphAuth;
  baseUrl?: string;
  clock?: Clock;
  logger?: Logger;
  /** Retries after the first attempt, for throttling and server errors. */
  maxRetries?: number;
  /** First backoff step when Graph gives no Retry-After; doubles each time. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable so tests need not wait out a Retry-After. */
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
  /** Counts and times every call for /metrics. */
  metrics?: DeskMetrics;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /**
   * Safe to send twice? GETs are; POSTs are not unless the caller says so (a repeated remote
   * lock would issue a second PIN). Throttled (429) requests are always retried: Graph did not
   * run them.
   */
  idempotent?: boolean;
}

/** One call being sent, with what its retries need to know. */
interface Sending {
  method: string;
  url: URL;
  options: RequestOptions;
  /** The path shown in logs and errors (never the query). */
  path: string;
  idempotent: boolean;
}

/** Graph answered with an error (after retries, where they apply). */
export class GraphRequestError extends UpstreamError {
  constructor(
    message: string,
    status: number,
    /** Graph's error.code, e.g. Request_ResourceNotFound. */
    readonly graphCode: string | undefined,
    readonly requestId: string | undefined,
    readonly method: string,
    readonly path: string,
    /** Response headers (lower-case names), e.g. x-msft-approval-code. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message, status, graphCode);
  }
}

/**
 * The app registration lacks an application permission the call needs (Graph answered 403 for
 * it). `permission` is the one to grant; `accepted` lists every one Graph said would do.
 */
export class MissingGraphPermission extends GraphRequestError {
  constructor(
    readonly permission: string,
    readonly accepted: readonly string[],
    graphCode: string | undefined,
    requestId: string | undefined,
    method: string,
    path: string,
  ) {
    super(
      `The Device Desk app is missing the Microsoft Graph application permission ${permission}. An admin grants it in Entra ID > App registrations > API permissions (with admin consent).`,
      403,
      graphCode,
      requestId,
      method,
      path,
    );
  }
}

/**
 * A call that changes something left, and no clear answer came back (a server error or a
 * timeout): Graph may have acted on it. "Unknown — may have been sent", never "failed", and never
 * sent again blindly. `status` is 0 (no usable answer); `upstreamStatus` keeps what Graph said.
 */
export class GraphOutcomeUnknown extends GraphRequestError {
  readonly outcomeUnknown = true;
  constructor(
    message: string,
    readonly upstreamStatus: number | undefined,
    graphCode: string | undefined,
    requestId: string | undefined,
    method: string,
    path: string,
  ) {
    super(message, 0, graphCode, requestId, method, path);
  }
}

/** The token endpoint refused the app's credentials or could not be reached. */
export class GraphAuthError extends UpstreamError {}

interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: Record<string, unknown> };
}

interface CollectionPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class GraphHttpClient {
  readonly baseUrl: string;
  private readonly auth: GraphAuth;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private readonly metrics?: DeskMetrics;
  private token?: { value: string; expiresAt: number };
  private pendingToken?: Promise<string>;

  constructor(options: GraphClientOptions) {
    this.auth = options.auth;
    this.baseUrl = (options.baseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.maxRetries = options.maxRetries ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.metrics = options.metrics;
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  /** Every page of a collection, following @odata.nextLink until there is none. */
  async *pages<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): AsyncIterable<T[]> {
    let page = await this.get<CollectionPage<T>>(path, options);
    yield page.value ?? [];
    while (page['@odata.nextLink']) {
      // The link already carries the query (skip token included).
      page = await this.get<CollectionPage<T>>(page['@odata.nextLink'], { headers: options.headers });
      yield page.value ?? [];
    }
  }

  async getAll<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T[]> {
    const all: T[] = [];
    for await (const items of this.pages<T>(path, options)) all.push(...items);
    return all;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.urlFor(path, options.query);
    // A bounded name for the call: the route with its ids folded, under the client's base path.
    const route = routeOf(url.pathname.slice(new URL(this.baseUrl).pathname.replace(/\/+$/, '').length));
    return observeUpstream(this.metrics, 'graph', `${method} ${route}`, (call) =>
      this.send<T>(method, url, options, call),
    );
  }

  private async send<T>(method: string, url: URL, options: RequestOptions, call: UpstreamCall): Promise<T> {
    const req: Sending = {
      method,
      url,
      options,
      path: url.pathname,
      idempotent: options.idempotent ?? (method === 'GET' || method === 'HEAD'),
    };
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      call.attempt();
      let response: Response;
      try {
        response = await this.fetchOnce(req, token);
      } catch (err) {
        // Throws when this failure is final; otherwise waits out the back-off and tries again.
        await this.sleep(this.networkRetryDelay(err, req, attempt));
        continue;
      }
      call.status(response.status);
      if (response.status === 429) call.throttled();
      if (response.ok) return this.bodyOf<T>(response, req, attempt);
      // An expired or revoked token: get a new one once rather than fail the user's action.
      if (response.status === 401 && this.auth.kind === 'client-credentials' && !refreshedToken) {
        await response.body?.cancel();
        this.token = undefined;
        refreshedToken = true;
        attempt--;
        continue;
      }
      const delay = await this.statusRetryDelay(response, req, attempt);
      if (delay === undefined) throw await this.failureOf(response, req);
      await this.sleep(delay);
    }
  }

  private fetchOnce({ method, url, options }: Sending, token: string): Promise<Response> {
    return fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  /** The wait before another try after a network failure, or the error to give up with. */
  private networkRetryDelay(err: unknown, { method, path, idempotent }: Sending, attempt: number): number {
    const notSent = neverLeft(err);
    if ((idempotent || notSent) && attempt < this.maxRetries) {
      const delay = this.backoff(attempt);
      this.logger.warn({ method, path, attempt, delay, err: (err as Error).message }, 'Graph unreachable, retrying');
      return delay;
    }
    if (!idempotent && !notSent) {
      this.logger.warn({ method, path, err: (err as Error).message }, 'Graph call sent, no answer');
      throw new GraphOutcomeUnknown(
        'Microsoft Graph did not answer in time, so it is unknown whether it acted on the request; it may have been sent.',
        undefined,
        undefined,
        undefined,
        method,
        path,
      );
    }
    throw new GraphRequestError(
      'Microsoft Graph could not be reached. Try again in a moment.',
      0,
      undefined,
      undefined,
      method,
      path,
    );
  }

  private async bodyOf<T>(response: Response, { method, path }: Sending, attempt: number): Promise<T> {
    this.logger.debug({ method, path, status: response.status, attempt }, 'Graph request');
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The wait before another try of a throttled or failed call, or undefined when it must not be retried. */
  private async statusRetryDelay(response: Response, req: Sending, attempt: number): Promise<number | undefined> {
    const status = response.status;
    const retryable = status === 429 || (status >= 500 && req.idempotent);
    if (!retryable || attempt >= this.maxRetries) return undefined;
    const delay = retryAfterMs(response.headers.get('retry-after'), this.clock) ?? this.backoff(attempt);
    await response.body?.cancel();
    this.logger.warn({ method: req.method, path: req.path, status, attempt, delay }, 'Graph asked to retry');
    return Math.min(delay, this.maxDelayMs);
  }

  private async failureOf(response: Response, { method, path, idempotent }: Sending): Promise<GraphRequestError> {
    const status = response.status;
    const error = await this.toError(response, method, path);
    // A server error to a call that changes something: Graph may have acted before failing.
    if (status >= 500 && !idempotent)
      return new GraphOutcomeUnknown(
        `Microsoft Graph answered ${status} after the request reached it, so it may have acted on it; it may have been sent.`,
        status,
        error.graphCode,
        error.requestId,
        method,
        path,
      );
    return error;
  }

  private urlFor(path: string, query?: RequestOptions['query']): URL {
    const url = /^https?:\/\//i.test(path)
      ? new URL(path)
      : new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    // A nextLink must not send our token anywhere but Graph.
    if (url.origin !== new URL(this.baseUrl).origin) {
      throw new GraphRequestError(
        'Microsoft Graph sent a link to another host; refusing to follow it.',
        0,
        undefined,
        undefined,
        'GET',
        url.pathname,
      );
    }
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
    // Jitter spreads retries of many instances hitting the same limit.
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  private async toError(response: Response, method: string, path: string): Promise<GraphRequestError> {
    let body: GraphErrorBody = {};
    try {
      body = (await response.json()) as GraphErrorBody;
    } catch {
      // Not JSON (a proxy's HTML page): the status says enough.
    }
    const code = body.error?.code;
    const inner = body.error?.innerError ?? {};
    const requestId = (inner['request-id'] as string | undefined) ?? response.headers.get('request-id') ?? undefined;
    const status = response.status;
    const what =
      status === 404
        ? 'could not find it'
        : status === 403
          ? 'refused: the app lacks a permission'
          : status === 429
            ? 'is busy (throttled)'
            : `answered ${status}`;
    const detail = body.error?.message ? ` (${code ?? status}: ${body.error.message})` : '';
    this.logger.warn({ method, path, status, code, requestId }, 'Graph request failed');
    const missing = status === 403 ? missingPermission(code, body.error?.message ?? '', method, path) : undefined;
    if (missing) return new MissingGraphPermission(missing.permission, missing.accepted, code, requestId, method, path);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return new GraphRequestError(`Microsoft Graph ${what}${detail}.`, status, code, requestId, method, path, headers);
  }

  /**
   * The application permissions the app holds, read from the `roles` claim of its own app-only
   * access token (Microsoft identity platform access token claims); undefined when the token says
   * nothing readable. Only the claim is read: the token is not verified here, Graph does that.
   */
  async grantedPermissions(): Promise<string[] | undefined> {
    const [, payload] = (await this.accessToken()).split('.');
    if (!payload) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
      return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : undefined;
    } catch {
      return undefined;
    }
  }

  private async accessToken(): Promise<string> {
    if (this.auth.kind === 'fixed-token') return this.auth.token;
    if (this.token && this.token.expiresAt > this.clock.now()) return this.token.value;
    // Concurrent requests share one token fetch.
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    if (this.auth.kind !== 'client-credentials') throw new Error('no credentials');
    const { tenantId, clientId, clientSecret } = this.auth;
    const authority = (this.auth.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
    const url = `${authority}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const form = new URLSearchParams({
      client_id: clientId,
      client_secret: clientSecret,
      scope: GRAPH_SCOPE,
      grant_type: 'client_credentials',
    });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new GraphAuthError('The Microsoft sign-in service could not be reached to get a Graph token.');
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number | string;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token) {
      // error_description never echoes the secret; the first line is enough for a log.
      const reason = body.error ?? `HTTP ${response.status}`;
      this.logger.error(
        { status: response.status, error: body.error, description: body.error_description?.split('\n')[0] },
        'Graph token request failed',
      );
      throw new GraphAuthError(
        `The app could not sign in to Microsoft Graph (${reason}). Check GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET.`,
        response.status,
        reason,
      );
    }
    const lifetimeMs = Number(body.expires_in ?? 3600) * 1000;
    // Renew a little early so a token never expires in flight.
    this.token = {
      value: body.access_token,
      expiresAt: this.clock.now() + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 2),
    };
    return body.access_token;
  }
}

/** Connection refused or no such host: the request never left, so sending it again is safe. */
function neverLeft(err: unknown): boolean {
  const code = String((err as { cause?: { code?: unknown } })?.cause?.code ?? '');
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND';
}

/**
 * A 403 for a missing application permission: Intune's names the scopes that would do, the
 * directory's (Authorization_RequestDenied) names none, so the bot names the one it asks for.
 */
function missingPermission(
  code: string | undefined,
  message: string,
  method: string,
  path: string,
): { permission: string; accepted: string[] } | undefined {
  const named = scopesNamedIn(message);
  if (named.length > 0) {
    const ours = graphPermissionFor(method, path);
    return { permission: ours && named.includes(ours) ? ours : named[0], accepted: named };
  }
  if (code !== 'Authorization_RequestDenied') return undefined;
  const ours = graphPermissionFor(method, path);
  return ours ? { permission: ours, accepted: [ours] } : undefined;
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterMs(header: string | null, clock: Clock): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - clock.now());
}
