/** Graph routes of the emulator's Intune: managed devices, remote lock, approval requests. */
import type { IntuneFleetDevice } from '../fleet/intune-fleet';
import { graphError, type RouteHandler, type RouteResult } from './emulator';
import type { EmulatedIntune } from './managed-devices';

type AddRoute = (method: string, pattern: RegExp, handler: RouteHandler) => void;

const JUSTIFICATION_HEADER = 'x-msft-approval-justification';
const APPROVAL_ID_HEADER = 'x-msft-approval-request-id';
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
  const notFound = (id: string): RouteResult =>
    graphError(404, 'ResourceNotFound', `Resource not found: managedDevice ${id}.`);

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

  addRoute('POST', /^\/deviceManagement\/managedDevices\/([^/]+)\/remoteLock$/, ({ params, req }) => {
    const d = intune.find(params[0]);
    if (!d) return notFound(params[0]);
    if (intune.approvalRequired) {
      const approvalId = req.headers[APPROVAL_ID_HEADER];
      const justification = req.headers[JUSTIFICATION_HEADER];
      if (typeof approvalId === 'string') {
        const a = intune.approval(approvalId);
        if (!a || a.deviceId !== d.id.toLowerCase())
          return graphError(403, 'ApprovalRequestInvalid', 'The approval request does not match this operation.');
        if (a.status !== 'approved')
          return graphError(403, 'ApprovalRequestNotApproved', `The approval request is ${a.status}.`);
        a.status = 'completed';
        intune.lock(d.id);
        return { status: 204 };
      }
      if (typeof justification === 'string' && justification.trim()) {
        const a = intune.fileApproval(d.id, justification.trim());
        return { status: 202, body: intune.approvalResource(a) };
      }
      return graphError(
        403,
        'MultiAdminApprovalRequired',
        `This operation requires Multi Admin Approval. Resend it with the ${JUSTIFICATION_HEADER} header to create an approval request.`,
      );
    }
    intune.lock(d.id);
    return { status: 204 };
  });

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

  addRoute('GET', /^\/deviceManagement\/operationApprovalRequests$/, ({ apiBase }) => ({
    status: 200,
    body: {
      '@odata.context': `${apiBase}/$metadata#deviceManagement/operationApprovalRequests`,
      value: intune.pendingApprovals().map((a) => intune.approvalResource(a)),
    },
  }));
}
