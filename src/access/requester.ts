import type { UserAccess } from './resolver';

/** The person behind a turn, with what they may do. */
export interface Requester {
  teamsId: string;
  aadObjectId?: string;
  name: string;
  upn?: string;
  email?: string;
  tenantId: string;
  access: UserAccess;
}

/** Who asked, as stores keep it: enough to check the confirmer and to mention them at the end. */
export interface RequesterRef {
  teamsId: string;
  aadObjectId?: string;
  name: string;
  upn?: string;
  tenantId: string;
}

/** The stored form of a requester: no roles, which are read fresh whenever they matter. */
export function refOf(r: Requester): RequesterRef {
  return { teamsId: r.teamsId, aadObjectId: r.aadObjectId, name: r.name, upn: r.upn, tenantId: r.tenantId };
}
