import { join } from 'node:path';
import { SANDBOX_PEOPLE, SANDBOX_TENANT_ID } from '../../src/sandbox/people';
import { configAs, readPlaygroundConfig } from '../../scripts/playground-config';

const config = readPlaygroundConfig(join(__dirname, '..', '..', '.m365agentsplayground.yml'));

describe('.m365agentsplayground.yml', () => {
  it('holds the sandbox tenant, its six people and the Playground bot id', () => {
    expect(config.version).toBe('0.1.1');
    expect(config.tenantId).toBe(SANDBOX_TENANT_ID);
    expect(config.bot).toEqual({ id: '00000000-0000-0000-0000-00000000000011', name: 'Device Desk' });
    const people = [config.currentUser, ...config.users].map((u) => ({
      teamsId: u.id,
      aadObjectId: u.aadObjectId,
      name: u.name,
      upn: u.userPrincipleName,
      email: u.email,
    }));
    expect(people).toEqual(
      SANDBOX_PEOPLE.map(({ teamsId, aadObjectId, name, upn, email }) => ({ teamsId, aadObjectId, name, upn, email })),
    );
    for (const u of [config.currentUser, ...config.users]) expect(`${u.givenName} ${u.surname}`).toBe(u.name);
  });

  it('has the IT Help Desk team with an On-call channel (General is the help desk channel)', () => {
    expect(config.team.name).toBe('IT Help Desk');
    expect(config.team.channels.map((c) => c.name)).toEqual(['On-call']);
    // The Playground rejects duplicate conversation ids.
    const ids = [config.personalChat.id, config.groupChat.id, config.team.id, ...config.team.channels.map((c) => c.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('configAs', () => {
  it('makes another person the current user and keeps everyone else', () => {
    const megan = configAs(config, 'meganb@example.com');
    expect(megan.currentUser.name).toBe('Megan Bowen');
    expect(megan.users.map((u) => u.name)).toEqual([
      'Alex Wilber',
      'Adele Vance',
      'Isaiah Langer',
      'Patti Fernandez',
      'Lynne Robbins',
    ]);
    expect(megan.personalChat.id).not.toBe(config.personalChat.id);
    expect(megan.team).toEqual(config.team);
  });

  it('finds people by name, given name or object id, and refuses strangers', () => {
    expect(configAs(config, 'lynne').currentUser.id).toBe('user-id-5');
    expect(configAs(config, '00000000-0000-0000-0000-0000000000023').currentUser.name).toBe('Isaiah Langer');
    expect(configAs(config, 'Alex Wilber')).toEqual(config);
    expect(() => configAs(config, 'Nobody')).toThrow(/no user "Nobody"/);
  });
});
