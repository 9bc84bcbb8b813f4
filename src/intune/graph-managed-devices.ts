/**
 * Intune managed devices through Microsoft Graph: list, search, get, remote lock and Intune's
 * Multi Admin Approval flow for protected device actions.
 */
import { DeviceNotFound } from '../errors';
import { GraphHttpClient, GraphRequestError } from './graph-http';
import type {
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
  'lastSyncDateTime',
  'enrolledDateTime',
  'deviceActionResults',
];

/**
 * Multi Admin Approval on app-only calls: a protected call without these headers is refused with
 * 403. The justification header files an approval request; the id header (name *unconfirmed*)
 * resubmits the call once a second admin approved it.
 */
export const APPROVAL_JUSTIFICATION_HEADER = 'x-msft-approval-justification';
export const APPROVAL_REQUEST_ID_HEADER = 'x-msft-approval-request-id';

const APPROVAL_STATUSES: readonly ApprovalStatus[] = [
  'unknown',
  'needsApproval',
  'approved',
  'rejected',
  'cancelled',
  'completed',
  'expired',
];

/** Graph refused the call because it needs a second admin's approval. */
export function isApprovalRequired(error: unknown): boolean {
  if (!(error instanceof GraphRequestError) || error.status !== 403) return false;
  return (
    /approval/i.test(error.graphCode ?? '') || /multi[\s-]?admin[\s-]?approval|requires? approval/i.test(error.message)
  );
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
  const approver = raw?.approver as { user?: { userPrincipalName?: string } } | undefined;
  return {
    id,
    status,
    requestJustification: raw?.requestJustification as string | undefined,
    approvalJustification: raw?.approvalJustification as string | undefined,
    expirationDateTime: raw?.expirationDateTime as string | undefined,
    approverUpn: approver?.user?.userPrincipalName,
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

  async remoteLock(id: string, options: { justification: string }): Promise<LockSubmission> {
    const path = this.lockPath(id);
    try {
      await this.graph.post<void>(path);
      return { kind: 'sent' };
    } catch (error) {
      if (!isApprovalRequired(error)) throw error;
    }
    // Protected by Multi Admin Approval: the same call with a justification files the request.
    const filed = await this.graph.post<Record<string, unknown> | undefined>(path, undefined, {
      headers: { [APPROVAL_JUSTIFICATION_HEADER]: headerSafe(options.justification) },
    });
    return { kind: 'approval', approval: approvalOf(filed) };
  }

  async approval(id: string): Promise<ApprovalRequest> {
    const raw = await this.graph.get<Record<string, unknown>>(
      `${this.approvalBase}/deviceManagement/operationApprovalRequests/${encodeURIComponent(id)}`,
    );
    return approvalOf(raw, id);
  }

  async resubmitRemoteLock(id: string, approvalId: string): Promise<void> {
    await this.graph.post<void>(this.lockPath(id), undefined, {
      headers: { [APPROVAL_REQUEST_ID_HEADER]: approvalId },
    });
  }

  private lockPath(id: string): string {
    return `/deviceManagement/managedDevices/${encodeURIComponent(id)}/remoteLock`;
  }
}

/** HTTP headers carry Latin-1 only and no line breaks; Graph caps justifications at 1024 characters. */
function headerSafe(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 1024);
}
