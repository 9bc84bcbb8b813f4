/**
 * Intune managed devices through Microsoft Graph: list, search, get, remote lock and Intune's
 * Multi Admin Approval flow for protected device actions.
 */
import { DeviceNotFound } from '../errors';
import { GraphHttpClient, GraphRequestError, MissingGraphPermission } from './graph-http';
import type {
  ActionSubmission,
  DeviceActionName,
  ApprovalRequest,
  ApprovalStatus,
  DeviceActionResult,
  LockSubmission,
  ManagedDevice,
  ManagedDeviceDirectory,
  ManagedDeviceQuery,
} from './managed-device-types';

/** Fields the bot uses; $select keeps list pages small. */
export const MANAGED_DEVICE_FIELDS = [
  'id',
  'deviceName',
  'serialNumber',
  'operatingSystem',
  'osVersion',
  'userPrincipalName',
  'userDisplayName',
  'model',
  'manufacturer',
  'complianceState',
  'managementState',
  'managedDeviceOwnerType',
  'deviceEnrollmentType',
  'managementAgent',
  'isSupervised',
  'lastSyncDateTime',
  'enrolledDateTime',
  'deviceActionResults',
];

/**
 * Multi Admin Approval on app-only calls ("Use Multi Admin Approval with the Microsoft Graph API",
 * https://learn.microsoft.com/intune/fundamentals/role-based-access-control/multi-admin-approval-graph-api):
 * the protected call carries a Base64 justification header and is answered 403 ApprovalRequired
 * with the approval code in a response header; once approved, the same call is sent again with
 * the code instead.
 */
export const APPROVAL_JUSTIFICATION_HEADER = 'x-msft-approval-justification';
export const APPROVAL_CODE_HEADER = 'x-msft-approval-code';

const APPROVAL_STATUSES: readonly ApprovalStatus[] = [
  'unknown',
  'needsApproval',
  'approved',
  'rejected',
  'cancelled',
  'completed',
  'expired',
];

/**
 * Graph refused the call because a Device actions access policy protects it and the call carried
 * no justification. Microsoft's article says 403; the field reports 400 BadRequest "Header
 * 'x-msft-approval-justification' is required to request approval": either is accepted.
 */
export function isApprovalRequired(error: unknown): boolean {
  if (!(error instanceof GraphRequestError) || (error.status !== 400 && error.status !== 403)) return false;
  if (error instanceof MissingGraphPermission) return false;
  return (
    new RegExp(APPROVAL_JUSTIFICATION_HEADER, 'i').test(error.message) ||
    /multi[\s-]?admin[\s-]?approval/i.test(error.message)
  );
}

/** Graph filed an approval request: 403 ApprovalRequired carrying the approval code. */
function approvalCodeOf(error: unknown): string | undefined {
  if (!(error instanceof GraphRequestError) || error.status !== 403) return undefined;
  const header = error.headers[APPROVAL_CODE_HEADER];
  if (header) return header.trim();
  if (error.graphCode !== 'ApprovalRequired') return undefined;
  return /x-msft-approval-code:\s*([0-9a-f-]{8,})/i.exec(error.message)?.[1];
}

/** OData string literal: quotes doubled. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

type RawDevice = Partial<ManagedDevice> & { id: string; deviceActionResults?: DeviceActionResult[] | null };

function normalise(raw: RawDevice): ManagedDevice {
  return {
    ...raw,
    id: raw.id,
    deviceName: raw.deviceName ?? '',
    serialNumber: raw.serialNumber ?? '',
    operatingSystem: raw.operatingSystem ?? 'Unknown',
    deviceActionResults: Array.isArray(raw.deviceActionResults) ? raw.deviceActionResults : [],
  };
}

function approvalOf(raw: Record<string, unknown> | undefined, fallbackId?: string): ApprovalRequest {
  const id = typeof raw?.id === 'string' ? raw.id : fallbackId;
  if (!id)
    throw new GraphRequestError(
      'Microsoft Graph filed an approval request but did not say which.',
      202,
      undefined,
      undefined,
      'POST',
      'remoteLock',
    );
  const status = APPROVAL_STATUSES.includes(raw?.status as ApprovalStatus)
    ? (raw?.status as ApprovalStatus)
    : 'unknown';
  // approver is an identitySet: {user: {id, displayName}} (beta operationApprovalRequest resource).
  const approver = raw?.approver as { user?: { id?: string; displayName?: string } | null } | null | undefined;
  return {
    id,
    status,
    requestJustification: raw?.requestJustification as string | undefined,
    approvalJustification: raw?.approvalJustification as string | undefined,
    expirationDateTime: raw?.expirationDateTime as string | undefined,
    approverId: approver?.user?.id ?? undefined,
    approverName: approver?.user?.displayName ?? undefined,
  };
}

export interface GraphManagedDevicesOptions {
  /**
   * Where operationApprovalRequests live: Graph has them in beta only. Default: the client's base
   * with /v1.0 replaced by /beta.
   */
  approvalBaseUrl?: string;
}

export class GraphManagedDeviceDirectory implements ManagedDeviceDirectory {
  private readonly approvalBase: string;

  constructor(
    private readonly graph: GraphHttpClient,
    options: GraphManagedDevicesOptions = {},
  ) {
    this.approvalBase = (options.approvalBaseUrl ?? graph.baseUrl.replace(/\/v1\.0$/, '/beta')).replace(/\/+$/, '');
  }

  async *pages(pageSize = 100): AsyncIterable<ManagedDevice[]> {
    for await (const page of this.graph.pages<RawDevice>('/deviceManagement/managedDevices', {
      query: { $top: pageSize, $select: MANAGED_DEVICE_FIELDS.join(',') },
    })) {
      yield page.map(normalise);
    }
  }

  async search(query: ManagedDeviceQuery): Promise<ManagedDevice[]> {
    const clauses = Object.entries(query)
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '')
      .map(([field, value]) => `${field} eq ${literal(value.trim())}`);
    if (clauses.length === 0) return [];
    const all = await this.graph.getAll<RawDevice>('/deviceManagement/managedDevices', {
      query: { $filter: clauses.join(' and '), $select: MANAGED_DEVICE_FIELDS.join(',') },
    });
    return all.map(normalise);
  }

  async get(id: string): Promise<ManagedDevice> {
    try {
      return normalise(await this.graph.get<RawDevice>(`/deviceManagement/managedDevices/${encodeURIComponent(id)}`));
    } catch (error) {
      if (error instanceof GraphRequestError && error.status === 404)
        throw new DeviceNotFound('Intune has no such device any more. Search for it again with `find`.');
      throw error;
    }
  }

  remoteLock(id: string, options: { justification: string }): Promise<LockSubmission> {
    return this.submit(this.actionPath(id, 'remoteLock'), undefined, options.justification);
  }

  deviceAction(
    id: string,
    action: DeviceActionName,
    body: Record<string, unknown> | undefined,
    options: { justification: string },
  ): Promise<ActionSubmission> {
    return this.submit(this.actionPath(id, action), body, options.justification);
  }

  async resubmitDeviceAction(
    id: string,
    action: DeviceActionName,
    body: Record<string, unknown> | undefined,
    approvalId: string,
  ): Promise<void> {
    await this.graph.post<void>(this.actionPath(id, action), body, { headers: { [APPROVAL_CODE_HEADER]: approvalId } });
  }

  /** Sends once; a call protected by Multi Admin Approval is sent again with a justification, which files the request. */
  private async submit(
    path: string,
    body: Record<string, unknown> | undefined,
    why: string,
  ): Promise<ActionSubmission> {
    try {
      await this.graph.post<void>(path, body);
      return { kind: 'sent' };
    } catch (error) {
      if (!isApprovalRequired(error)) throw error;
    }
    const justification = headerSafe(why);
    try {
      await this.graph.post<void>(path, body, {
        headers: { [APPROVAL_JUSTIFICATION_HEADER]: Buffer.from(justification, 'utf8').toString('base64') },
      });
      // No policy after all (it was removed meanwhile): the action went out.
      return { kind: 'sent' };
    } catch (error) {
      const code = approvalCodeOf(error);
      if (!code) throw error;
      return { kind: 'approval', approval: { id: code, status: 'needsApproval', requestJustification: justification } };
    }
  }

  /** Polls by the approval code, as Microsoft's MAA article does ($filter=requestId eq '<code>'). */
  async approval(id: string): Promise<ApprovalRequest> {
    const page = await this.graph.get<{ value?: Record<string, unknown>[] }>(
      `${this.approvalBase}/deviceManagement/operationApprovalRequests`,
      { query: { $filter: `requestId eq ${literal(id)}` } },
    );
    const raw = page.value?.[0];
    if (!raw)
      throw new GraphRequestError(
        'Microsoft Graph has no approval request with that code any more.',
        404,
        'ResourceNotFound',
        undefined,
        'GET',
        'operationApprovalRequests',
      );
    return approvalOf(raw, id);
  }

  async resubmitRemoteLock(id: string, approvalId: string): Promise<void> {
    await this.graph.post<void>(this.actionPath(id, 'remoteLock'), undefined, {
      headers: { [APPROVAL_CODE_HEADER]: approvalId },
    });
  }

  /**
   * enableLostMode exists in Graph's beta only (reference actions.enableLostMode, versions
   * ["beta"]; https://learn.microsoft.com/graph/api/intune-devices-manageddevice-enablelostmode?view=graph-rest-beta).
   */
  private actionPath(id: string, action: DeviceActionName | 'remoteLock'): string {
    const base = action === 'enableLostMode' ? this.approvalBase : '';
    return `${base}/deviceManagement/managedDevices/${encodeURIComponent(id)}/${action}`;
  }
}

/** One line, at most 1024 characters (Graph's requestJustification limit); Base64 carries any text. */
function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 1024);
}
