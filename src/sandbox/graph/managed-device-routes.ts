/** Graph routes of the emulator's Intune: managed devices, remote lock, approval requests. */
import { DEVICE_ACTION_NAMES, type DeviceActionName } from '../../intune';
import type { IntuneFleetDevice } from '../fleet';
import { graphError } from './graph-errors';
import type { EmulatedIntune } from './managed-devices';
import type { AddRoute, RouteResult } from './routes';

/**
 * Multi Admin Approval on app-only calls, as Microsoft documents it in "Use Multi Admin Approval
 * with the Microsoft Graph API" (https://learn.microsoft.com/intune/fundamentals/role-based-access-control/multi-admin-approval-graph-api,
 * MicrosoftDocs/memdocs intune/fundamentals/role-based-access-control/multi-admin-approval-graph-api.md):
 * the call carries a Base64 justification header and is answered 403 ApprovalRequired with the
 * approval code in a response header; once approved, the same call is sent again with the code.
 */
export const JUSTIFICATION_HEADER = 'x-msft-approval-justification';
export const APPROVAL_CODE_HEADER = 'x-msft-approval-code';
/** "Decoded content of 'x-msft-approval-justification' header must be no greater than 1024 characters" (quoted in public scripts; also Graph's requestJustification limit). */
const MAX_JUSTIFICATION = 1024;
const FILTERABLE = new Set([
  'serialNumber',
  'deviceName',
  'userPrincipalName',
  'operatingSystem',
  'id',
  'complianceState',
]);

type Predicate = (d: IntuneFleetDevice) => boolean;

/** The part of OData $filter Intune's managedDevices accepts: eq and startswith, joined by and. */
export function parseFilter(filter: string): Predicate | string {
  const predicates: Predicate[] = [];
  let rest = filter.trim();
  const field = (name: string) => (d: IntuneFleetDevice) =>
    String((d as unknown as Record<string, unknown>)[name] ?? '').toLowerCase();
  while (rest) {
    const eq = /^(\w+)\s+eq\s+'((?:[^']|'')*)'/i.exec(rest);
    const sw = /^startswith\(\s*(\w+)\s*,\s*'((?:[^']|'')*)'\s*\)/i.exec(rest);
    const m = eq ?? sw;
    if (!m) return `Invalid filter clause near '${rest.slice(0, 30)}'.`;
    if (!FILTERABLE.has(m[1])) return `Filtering on '${m[1]}' is not supported.`;
    const value = m[2].replace(/''/g, "'").toLowerCase();
    const read = field(m[1]);
    predicates.push(eq ? (d) => read(d) === value : (d) => read(d).startsWith(value));
    rest = rest.slice(m[0].length).trim();
    if (!rest) break;
    const and = /^and\s+/i.exec(rest);
    if (!and) return `Only 'and' may join filter clauses (near '${rest.slice(0, 30)}').`;
    rest = rest.slice(and[0].length);
  }
  return (d) => predicates.every((p) => p(d));
}

function select(obj: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return obj;
  const wanted = fields.split(',').map((f) => f.trim());
  return Object.fromEntries(
    Object.entries(obj).filter(([k]) => wanted.includes(k) || k === 'id' || k.startsWith('@odata')),
  );
}

export function registerManagedDeviceRoutes(addRoute: AddRoute, intune: EmulatedIntune): void {
  registerDeviceReads(addRoute, intune);
  registerDeviceActions(addRoute, intune);
  registerApprovalReads(addRoute, intune);
}

const notFound = (id: string): RouteResult =>
  graphError(404, 'ResourceNotFound', `Resource not found: managedDevice ${id}.`);

/** GET managedDevices (filtered, paged, $select) and GET one managedDevice. */
function registerDeviceReads(addRoute: AddRoute, intune: EmulatedIntune): void {
  addRoute('GET', /^\/deviceManagement\/managedDevices$/, ({ url, apiBase }) => {
    let devices = intune.all();
    const filter = url.searchParams.get('$filter');
    if (filter) {
      const predicate = parseFilter(filter);
      if (typeof predicate === 'string') return graphError(400, 'BadRequest', predicate);
      devices = devices.filter(predicate);
    }
    devices.sort((a, b) => a.id.localeCompare(b.id));
    const top = Math.min(Math.max(Number(url.searchParams.get('$top') ?? 1000) || 1000, 1), 1000);
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
    const page = devices.slice(skip, skip + top);
    const next = new URL(`${apiBase}/deviceManagement/managedDevices`);
    for (const [k, v] of url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
    next.searchParams.set('$skiptoken', String(skip + top));
    return {
      status: 200,
      body: {
        '@odata.context': `${apiBase}/$metadata#deviceManagement/managedDevices`,
        '@odata.count': devices.length,
        value: page.map((d) => select(intune.resource(d), url.searchParams.get('$select'))),
        ...(skip + top < devices.length ? { '@odata.nextLink': next.toString() } : {}),
      },
    };
  });

  addRoute('GET', /^\/deviceManagement\/managedDevices\/([^/]+)$/, ({ params, url, apiBase }) => {
    const d = intune.find(params[0]);
    if (!d) return notFound(params[0]);
    return {
      status: 200,
      body: {
        '@odata.context': `${apiBase}/$metadata#deviceManagement/managedDevices/$entity`,
        ...select(intune.resource(d), url.searchParams.get('$select')),
      },
    };
  });
}

/** POST remoteLock and the other device actions, behind Multi Admin Approval where it is on. */
function registerDeviceActions(addRoute: AddRoute, intune: EmulatedIntune): void {
  addRoute('POST', /^\/deviceManagement\/managedDevices\/([^/]+)\/remoteLock$/, ({ params, req }) => {
    const d = intune.find(params[0]);
    if (!d) return notFound(params[0]);
    if (intune.approvalRequired) return protectedLock(intune, d, req.headers);
    intune.lock(d.id);
    return { status: 204 };
  });

  const actionPath = new RegExp(`^/deviceManagement/managedDevices/([^/]+)/(${DEVICE_ACTION_NAMES.join('|')})$`);
  addRoute('POST', actionPath, ({ params, req, url, body }) => {
    const name = params[1] as DeviceActionName;
    // Graph has enableLostMode in beta only (reference actions.enableLostMode versions ["beta"]).
    if (name === 'enableLostMode' && !url.pathname.startsWith('/beta/'))
      return graphError(400, 'BadRequest', `Resource not found for the segment '${name}'.`);
    const d = intune.find(params[0]);
    if (!d) return notFound(params[0]);
    const invalid = invalidParameters(name, body, d);
    if (invalid) return graphError(400, 'BadRequest', invalid);
    const parameters = body as Record<string, unknown> | undefined;
    if (intune.approvalActions.has(name)) return protectedCall(intune, d, req.headers, name, parameters);
    intune.runAction(d.id, name, parameters);
    return { status: 204 };
  });
}

/** GET operationApprovalRequests, one or filtered by the approval code. */
function registerApprovalReads(addRoute: AddRoute, intune: EmulatedIntune): void {
  addRoute('GET', /^\/deviceManagement\/operationApprovalRequests\/([^/]+)$/, ({ params, apiBase }) => {
    const a = intune.approval(params[0]);
    if (!a) return graphError(404, 'ResourceNotFound', `Resource not found: operationApprovalRequest ${params[0]}.`);
    return {
      status: 200,
      body: {
        '@odata.context': `${apiBase}/$metadata#deviceManagement/operationApprovalRequests/$entity`,
        ...intune.approvalResource(a),
      },
    };
  });

  // The MAA article polls with $filter=requestId eq '<approval code>'; the emulator takes the code
  // for the request's id (unconfirmed: requestId is not among the resource's documented properties).
  addRoute('GET', /^\/deviceManagement\/operationApprovalRequests$/, ({ url, apiBase }) => {
    const filter = url.searchParams.get('$filter');
    let approvals = intune.allApprovals();
    if (filter) {
      const m = /^\s*requestId\s+eq\s+'([^']*)'\s*$/i.exec(filter);
      if (!m) return graphError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
      approvals = approvals.filter((a) => a.id === m[1].toLowerCase());
    }
    return {
      status: 200,
      body: {
        '@odata.context': `${apiBase}/$metadata#deviceManagement/operationApprovalRequests`,
        value: approvals.map((a) => intune.approvalResource(a)),
      },
    };
  });
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * The parameters each action takes, from Graph's v1.0 metadata (reference `actions`): none but
 * wipe's four (plus beta's obliterationBehavior and useProtectedWipe) and enableLostMode's three.
 * OData refuses a parameter the action does not declare, or of the wrong type.
 */
const PARAMETERS: Partial<Record<DeviceActionName, Record<string, 'boolean' | 'string'>>> = {
  wipe: {
    keepEnrollmentData: 'boolean',
    keepUserData: 'boolean',
    macOsUnlockCode: 'string',
    persistEsimDataPlan: 'boolean',
    obliterationBehavior: 'string',
    useProtectedWipe: 'boolean',
  },
  enableLostMode: { message: 'string', phoneNumber: 'string', footer: 'string' },
};

function invalidParameters(name: DeviceActionName, body: unknown, d: IntuneFleetDevice): string | undefined {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
    return 'The request payload must be a JSON object.';
  const given = (body ?? {}) as Record<string, unknown>;
  const declared = PARAMETERS[name] ?? {};
  for (const [key, value] of Object.entries(given)) {
    const type = declared[key];
    if (!type)
      return `The parameter '${key}' in the request payload is not a valid parameter for the operation '${name}'.`;
    if (value !== null && typeof value !== type)
      return `Cannot convert the literal '${String(value)}' to the expected type 'Edm.${type === 'boolean' ? 'Boolean' : 'String'}'.`;
  }
  if (name === 'wipe') {
    const code = given.macOsUnlockCode;
    // "Enter a 6-digit Recovery PIN" (https://learn.microsoft.com/intune/device-management/actions/wipe, macOS);
    // whether Graph itself refuses a Mac wipe without one is unconfirmed: the emulator is strict.
    if (code !== undefined && code !== null && !/^\d{6}$/.test(String(code)))
      return 'macOsUnlockCode must be a six-digit PIN.';
    if (d.operatingSystem === 'macOS' && (code === undefined || code === null))
      return 'A macOS wipe needs macOsUnlockCode, the six-digit recovery PIN.';
  }
  // Apple's EnableLostMode needs a message or a phone number
  // (https://developer.apple.com/documentation/devicemanagement/enable-lost-mode-command); Graph's answer without either is unconfirmed.
  if (name === 'enableLostMode' && !String(given.message ?? '').trim() && !String(given.phoneNumber ?? '').trim())
    return 'Lost mode needs a message or a phone number to show on the lock screen.';
  return undefined;
}

/** A device action under a Device actions access policy: file, refuse, or run with an approved code. */
function protectedCall(
  intune: EmulatedIntune,
  d: IntuneFleetDevice,
  headers: Headers,
  name: DeviceActionName,
  body: Record<string, unknown> | undefined,
): RouteResult {
  const code = headers[APPROVAL_CODE_HEADER];
  if (typeof code === 'string') {
    const a = intune.approval(code);
    if (!a || a.deviceId !== d.id.toLowerCase() || a.operation !== name)
      return graphError(400, 'BadRequest', 'The approval code does not belong to this request.');
    if (a.status !== 'approved') return graphError(400, 'BadRequest', `The approval request is ${a.status}.`);
    a.status = 'completed';
    intune.runAction(d.id, name, body);
    return { status: 204 };
  }
  const filed = justificationOf(headers);
  if (typeof filed !== 'string' || filed.startsWith('!')) return graphError(400, 'BadRequest', filed.slice(1));
  const a = intune.fileApproval(d.id, filed, name, body);
  const refused = graphError(
    403,
    'ApprovalRequired',
    `Approval Required. Request Approval using the request ID returned as part of the ${APPROVAL_CODE_HEADER} response header. ${APPROVAL_CODE_HEADER}: ${a.id}`,
  );
  return { ...refused, headers: { ...refused.headers, [APPROVAL_CODE_HEADER]: a.id } };
}

/** The decoded justification, or '!' and why it is refused (same rules as protectedLock's). */
function justificationOf(headers: Headers): string {
  const raw = headers[JUSTIFICATION_HEADER];
  if (typeof raw !== 'string' || !raw.trim())
    return `!Header '${JUSTIFICATION_HEADER}' is required to request approval`;
  const text = decodeBase64(raw.trim());
  if (text === undefined) return `!Header '${JUSTIFICATION_HEADER}' must be Base64-encoded.`;
  if (text.length > MAX_JUSTIFICATION)
    return `!Decoded content of '${JUSTIFICATION_HEADER}' header must be no greater than ${MAX_JUSTIFICATION} characters`;
  return text;
}

/** A remote lock under a Device actions access policy: file, refuse, or run with an approved code. */
function protectedLock(intune: EmulatedIntune, d: IntuneFleetDevice, headers: Headers): RouteResult {
  const code = headers[APPROVAL_CODE_HEADER];
  if (typeof code === 'string') {
    const a = intune.approval(code);
    // How Graph answers a code of another request, or one not approved yet, is unconfirmed.
    if (!a || a.deviceId !== d.id.toLowerCase())
      return graphError(400, 'BadRequest', 'The approval code does not belong to this request.');
    if (a.status !== 'approved') return graphError(400, 'BadRequest', `The approval request is ${a.status}.`);
    a.status = 'completed';
    intune.lock(d.id);
    return { status: 204 };
  }
  const raw = headers[JUSTIFICATION_HEADER];
  // Microsoft's article says the call "fails with an error indicating that the header is required"
  // (403 in its overview); the status seen in the field is 400 BadRequest with this message
  // (Micke-K/IntuneManagement discussion #426). Clients must not key on the status alone.
  if (typeof raw !== 'string' || !raw.trim())
    return graphError(400, 'BadRequest', `Header '${JUSTIFICATION_HEADER}' is required to request approval`);
  const justification = decodeBase64(raw.trim());
  // "The value must be base64 of the UTF-8 text - Intune rejects plain text outright" (public script
  // comment; Microsoft's article only says the value is Base64-encoded). Wording unconfirmed.
  if (justification === undefined)
    return graphError(400, 'BadRequest', `Header '${JUSTIFICATION_HEADER}' must be Base64-encoded.`);
  if (justification.length > MAX_JUSTIFICATION)
    return graphError(
      400,
      'BadRequest',
      `Decoded content of '${JUSTIFICATION_HEADER}' header must be no greater than ${MAX_JUSTIFICATION} characters`,
    );
  const a = intune.fileApproval(d.id, justification);
  const refused = graphError(
    403,
    'ApprovalRequired',
    `Approval Required. Request Approval using the request ID returned as part of the ${APPROVAL_CODE_HEADER} response header. ${APPROVAL_CODE_HEADER}: ${a.id}`,
  );
  return { ...refused, headers: { ...refused.headers, [APPROVAL_CODE_HEADER]: a.id } };
}

/** Strict Base64 (standard alphabet, padded) of UTF-8 text; undefined for anything else. */
function decodeBase64(value: string): string | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return Buffer.from(text, 'utf8').toString('base64') === value ? text : undefined;
}
