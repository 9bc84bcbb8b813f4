/** The Directory API's ChromeOS routes over node:http, with Google's auth and error behaviour. */
import http from 'node:http';
import { Logger } from 'pino';
import { DeviceModel, ListParams } from './device-model';
import { GoogleApiError, badRequest, forbidden, notFound, unauthenticated } from './google-errors';
import { parseFields, selectFields } from './partial-response';
import { TrafficControl } from './traffic';

export interface ServerDeps {
  model: DeviceModel;
  traffic: TrafficControl;
  customerId: string;
  accessToken: string;
  latencyMs: number;
  logger: Logger;
}

interface Route {
  method: string;
  id: string;
  pattern: RegExp;
  handle: (deps: ServerDeps, m: string[], url: URL, body: unknown) => { status: number; body?: unknown };
}

const BASE = '^/admin/directory/v1/customer/([^/]+)/devices/chromeos';
const query = (url: URL, names: (keyof ListParams)[]): ListParams => {
  const out: ListParams = {};
  for (const n of names) {
    const v = url.searchParams.get(n);
    if (v !== null) out[n] = v;
  }
  return out;
};

const ROUTES: Route[] = [
  {
    method: 'GET',
    id: 'chromeosdevices.list',
    pattern: new RegExp(`${BASE}$`),
    handle: (d, _m, url) => ({
      status: 200,
      body: d.model.list(
        query(url, [
          'projection',
          'maxResults',
          'pageToken',
          'orderBy',
          'sortOrder',
          'orgUnitPath',
          'includeChildOrgunits',
          'query',
        ]),
      ),
    }),
  },
  {
    method: 'POST',
    id: 'customer.devices.chromeos.batchChangeStatus',
    pattern: new RegExp(`${BASE}:batchChangeStatus$`),
    handle: (d, _m, _url, body) => ({ status: 200, body: d.model.batchChangeStatus(body) }),
  },
  {
    method: 'POST',
    id: 'customer.devices.chromeos.issueCommand',
    pattern: new RegExp(`${BASE}/([^/:]+):issueCommand$`),
    handle: (d, m, _url, body) => ({ status: 200, body: d.model.issueCommand(m[2], body) }),
  },
  {
    method: 'GET',
    id: 'customer.devices.chromeos.commands.get',
    pattern: new RegExp(`${BASE}/([^/:]+)/commands/([^/]+)$`),
    handle: (d, m) => ({ status: 200, body: d.model.getCommand(m[2], m[3]) }),
  },
  {
    method: 'POST',
    id: 'chromeosdevices.action',
    pattern: new RegExp(`${BASE}/([^/:]+)/action$`),
    handle: (d, m, _url, body) => {
      d.model.action(m[2], body);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    id: 'chromeosdevices.get',
    pattern: new RegExp(`${BASE}/([^/:]+)$`),
    handle: (d, m, url) => ({ status: 200, body: d.model.get(m[2], url.searchParams.get('projection') ?? undefined) }),
  },
];

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createGoogleServer(deps: ServerDeps): http.Server {
  return http.createServer((req, res) => {
    void handle(deps, req, res).catch((err) => {
      deps.logger.error({ err }, 'google emulator failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(new GoogleApiError(500, 'backendError', 'Internal error', 'INTERNAL').body()));
    });
  });
}

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://emulator');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  let methodId = 'unknown';
  let result: { status: number; body?: unknown; headers?: Record<string, string> };
  try {
    const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(path));
    if (!route) throw notFound(`Method not found: ${req.method} ${url.pathname}`);
    methodId = route.id;
    const match = route.pattern.exec(path) as RegExpExecArray;
    authorize(deps, req.headers.authorization);
    if (match[1] !== 'my_customer' && match[1] !== deps.customerId) throw forbidden();
    const fault = deps.traffic.admit();
    if (fault) throw fault;
    if (methodId === 'chromeosdevices.list') {
      const tokenFault = deps.traffic.pageTokenFault(url.searchParams.get('pageToken'));
      if (tokenFault) throw tokenFault;
    }
    // A bad `fields` selector is refused before anything is done.
    const selector = url.searchParams.get('fields');
    const fields = selector !== null ? parseFields(selector) : undefined;
    let body: unknown;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        throw badRequest('Invalid JSON payload received.');
      }
    }
    result = route.handle(deps, [...match], url, body);
    const afterwards = deps.traffic.appliedFault(methodId);
    if (afterwards) throw afterwards;
    if (fields && result.body !== undefined) result = { ...result, body: selectFields(result.body, fields) };
  } catch (err) {
    if (!(err instanceof GoogleApiError)) throw err;
    result = { status: err.httpStatus, body: err.body(), headers: err.headers };
  }
  if (deps.latencyMs > 0) await sleep(deps.latencyMs);
  deps.traffic.record(methodId, result.status);
  const headers: Record<string, string> = { ...(result.headers ?? {}) };
  if (result.body === undefined) {
    res.writeHead(result.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(result.body);
  headers['content-type'] = 'application/json; charset=UTF-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(result.status, headers);
  res.end(text);
}

function authorize(deps: ServerDeps, header: string | undefined): void {
  if (!header) {
    throw unauthenticated(
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      'required',
    );
  }
  const [scheme, token] = header.split(' ');
  if (scheme.toLowerCase() !== 'bearer' || token !== deps.accessToken)
    throw unauthenticated('Invalid Credentials', 'authError');
}
