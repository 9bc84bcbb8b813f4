import {
  MemoryTenantSettingsStore,
  RedisTenantSettingsStore,
  TenantSettingsStore,
} from '../../src/store/tenant-settings';
import { testRedis } from '../support/redis';

const channel = (name: string) => ({
  conversationReference: {
    conversation: { id: `19:${name}@thread.tacv2`, isGroup: true, conversationType: 'channel', name },
    serviceUrl: 'https://smba.example/',
  },
  name,
  setBy: 'alexw@example.com',
  setAt: '2026-01-05T09:00:00.000Z',
});

function contract(name: string, make: () => TenantSettingsStore) {
  describe(name, () => {
    it('starts empty', async () => {
      expect(await make().get('t-empty')).toEqual({});
    });

    it('keeps each setting apart and per tenant', async () => {
      const store = make();
      await store.update('t1', { helpdeskChannel: channel('help') });
      await store.update('t1', { onCallChannel: channel('oncall') });
      await store.update('t2', { helpdeskChannel: channel('other') });
      expect(await store.get('t1')).toEqual({ helpdeskChannel: channel('help'), onCallChannel: channel('oncall') });
      expect(await store.get('t2')).toEqual({ helpdeskChannel: channel('other') });
    });

    it('removes a setting given as undefined', async () => {
      const store = make();
      await store.update('t3', { helpdeskChannel: channel('help'), onCallChannel: channel('oncall') });
      expect(await store.update('t3', { onCallChannel: undefined })).toEqual({ helpdeskChannel: channel('help') });
    });

    it('hands out copies, not its own state', async () => {
      const store = make();
      await store.update('t4', { helpdeskChannel: channel('help') });
      const got = await store.get('t4');
      got.helpdeskChannel!.name = 'changed';
      expect((await store.get('t4')).helpdeskChannel!.name).toBe('help');
    });
  });
}

const r = testRedis();
afterAll(() => r.cleanup());

contract('MemoryTenantSettingsStore', () => new MemoryTenantSettingsStore());
contract('RedisTenantSettingsStore', () => new RedisTenantSettingsStore(r.redis, r.prefix));
