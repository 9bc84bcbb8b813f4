/**
 * The people of the sandbox tenant. They are the Agents Playground's built-in users, so whoever
 * talks to the sandbox bot from the Playground is one of them; the Graph emulator knows them,
 * the sandbox access file gives them roles and the generated fleet gives them devices.
 */
export const SANDBOX_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const SANDBOX_DOMAIN = 'example.com';

export interface SandboxPerson {
  /** Teams user id as the Playground sends it. */
  teamsId: string;
  /** Entra object id. */
  aadObjectId: string;
  name: string;
  upn: string;
  email: string;
  /** Who they are in the demo, for the README. */
  persona: string;
}

export const SANDBOX_PEOPLE: SandboxPerson[] = [
  {
    teamsId: 'user-id-0',
    aadObjectId: '00000000-0000-0000-0000-0000000000020',
    name: 'Alex Wilber',
    upn: 'alexw@example.com',
    email: 'alexw@example.com',
    persona: 'tenant admin (Intune Administrator)',
  },
  {
    teamsId: 'user-id-1',
    aadObjectId: '00000000-0000-0000-0000-0000000000021',
    name: 'Megan Bowen',
    upn: 'meganb@example.com',
    email: 'meganb@example.com',
    persona: 'help desk (Help Desk Operator, through the Help Desk group)',
  },
  {
    teamsId: 'user-id-2',
    aadObjectId: '00000000-0000-0000-0000-0000000000022',
    name: 'Adele Vance',
    upn: 'adelev@example.com',
    email: 'adelev@example.com',
    persona: 'end user with a few devices',
  },
  {
    teamsId: 'user-id-3',
    aadObjectId: '00000000-0000-0000-0000-0000000000023',
    name: 'Isaiah Langer',
    upn: 'isaiah@example.com',
    email: 'isaiahl@example.com',
    persona: 'school IT (School Administrator, scoped to /Schools/North)',
  },
  {
    teamsId: 'user-id-4',
    aadObjectId: '00000000-0000-0000-0000-0000000000024',
    name: 'Patti Fernandez',
    upn: 'pattif@example.com',
    email: 'pattif@example.com',
    persona: 'auditor (Read Only Operator)',
  },
  {
    teamsId: 'user-id-5',
    aadObjectId: '00000000-0000-0000-0000-0000000000025',
    name: 'Lynne Robbins',
    upn: 'lynner@example.com',
    email: 'lynner@example.com',
    persona: 'on-call responder (Help Desk Operator, through the On-call group)',
  },
];

/** Entra groups of the sandbox tenant (object ids), used by the sandbox access file. */
export const SANDBOX_GROUPS = {
  helpDesk: {
    id: '00000000-0000-0000-0000-000000000041',
    displayName: 'Help Desk',
    members: ['00000000-0000-0000-0000-0000000000021'],
  },
  onCall: {
    id: '00000000-0000-0000-0000-000000000042',
    displayName: 'On-call',
    members: ['00000000-0000-0000-0000-0000000000025'],
  },
  northSchoolsIt: {
    id: '00000000-0000-0000-0000-000000000043',
    displayName: 'North Schools IT',
    members: ['00000000-0000-0000-0000-0000000000023'],
  },
  /** Nested: every member of Help Desk and On-call is also in IT Staff (transitive membership). */
  itStaff: {
    id: '00000000-0000-0000-0000-000000000044',
    displayName: 'IT Staff',
    members: ['00000000-0000-0000-0000-000000000041', '00000000-0000-0000-0000-000000000042'],
  },
} as const;

/**
 * A second sandbox tenant, Fabrikam, with its own Google connection, fleet and people: what one
 * deployment serving several organisations looks like, and what must never cross between them.
 */
export const FABRIKAM_TENANT_ID = '00000000-0000-0000-0000-0000000000002';
export const FABRIKAM_DOMAIN = 'fabrikam.example';

export const FABRIKAM_PEOPLE: SandboxPerson[] = [
  {
    teamsId: 'fabrikam-user-0',
    aadObjectId: '00000000-0000-0000-0000-0000000000120',
    name: 'Diego Siciliani',
    upn: 'diegos@fabrikam.example',
    email: 'diegos@fabrikam.example',
    persona: 'Fabrikam tenant admin (Intune Administrator of Fabrikam only)',
  },
  {
    teamsId: 'fabrikam-user-1',
    aadObjectId: '00000000-0000-0000-0000-0000000000121',
    name: 'Lidia Holloway',
    upn: 'lidiah@fabrikam.example',
    email: 'lidiah@fabrikam.example',
    persona: 'Fabrikam end user with a device',
  },
];

/** Every sandbox person, with the tenant they belong to. */
export const SANDBOX_DIRECTORY: ReadonlyArray<SandboxPerson & { tenantId: string }> = [
  ...SANDBOX_PEOPLE.map((p) => ({ ...p, tenantId: SANDBOX_TENANT_ID })),
  ...FABRIKAM_PEOPLE.map((p) => ({ ...p, tenantId: FABRIKAM_TENANT_ID })),
];
