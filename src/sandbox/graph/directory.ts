/** The emulator's Entra directory: users and groups, with groups nested in groups. */
import { SANDBOX_GROUPS, SANDBOX_PEOPLE } from '../people';

export interface EmulatedUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string;
}

export interface EmulatedGroup {
  id: string;
  displayName: string;
  /** Object ids of users or of other groups. */
  members: string[];
}

export class EmulatedDirectory {
  private readonly users = new Map<string, EmulatedUser>();
  private readonly groups = new Map<string, EmulatedGroup>();

  constructor(users: EmulatedUser[], groups: EmulatedGroup[]) {
    for (const u of users) this.addUser(u);
    for (const g of groups) this.addGroup(g);
  }

  static sandbox(): EmulatedDirectory {
    return new EmulatedDirectory(
      SANDBOX_PEOPLE.map((p) => ({ id: p.aadObjectId, displayName: p.name, userPrincipalName: p.upn, mail: p.email })),
      Object.values(SANDBOX_GROUPS).map((g) => ({ id: g.id, displayName: g.displayName, members: [...g.members] })),
    );
  }

  addUser(user: EmulatedUser): void {
    this.users.set(user.id.toLowerCase(), { ...user });
  }

  addGroup(group: EmulatedGroup): void {
    this.groups.set(group.id.toLowerCase(), { ...group, members: group.members.map((m) => m.toLowerCase()) });
  }

  addMember(groupId: string, memberId: string): void {
    const g = this.requireGroup(groupId);
    if (!g.members.includes(memberId.toLowerCase())) g.members.push(memberId.toLowerCase());
  }

  removeMember(groupId: string, memberId: string): void {
    const g = this.requireGroup(groupId);
    g.members = g.members.filter((m) => m !== memberId.toLowerCase());
  }

  /** By object id or UPN, as Graph's /users/{id | userPrincipalName}. */
  findUser(idOrUpn: string): EmulatedUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.get(key) ?? [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === key);
  }

  findGroup(id: string): EmulatedGroup | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** Every group that contains the object, directly or through groups within groups. */
  transitiveGroupsOf(objectId: string): EmulatedGroup[] {
    const found = new Map<string, EmulatedGroup>();
    const queue = [objectId.toLowerCase()];
    while (queue.length > 0) {
      const member = queue.shift() as string;
      for (const g of this.groups.values()) {
        const id = g.id.toLowerCase();
        if (g.members.includes(member) && !found.has(id)) {
          found.set(id, g);
          queue.push(id);
        }
      }
    }
    return [...found.values()];
  }

  private requireGroup(id: string): EmulatedGroup {
    const g = this.findGroup(id);
    if (!g) throw new Error(`no group ${id}`);
    return g;
  }
}
