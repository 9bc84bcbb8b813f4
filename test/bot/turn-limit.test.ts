import { ManualClock } from '../../src/clock';
import { cardOf, cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';

describe('turns over the per-person and per-tenant rate limit', () => {
  const clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RATE_LIMIT_PERSON_PER_MINUTE: '3', RATE_LIMIT_TENANT_PER_MINUTE: '5' }, undefined, {
      start: { clock },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  const textOf = (replies: Awaited<ReturnType<Harness['send']>>['replies']) => cardText(cardOf(replies[0]));

  it('answers a person who floods the bot with one friendly card, then silence, and nothing is done', async () => {
    for (let i = 0; i < 3; i++) expect(textOf((await h.send('help')).replies)).toContain('Device Desk');
    const refused = await h.send('wipe 5CD0000001');
    expect(refused.status).toBe(200);
    expect(refused.replies).toHaveLength(1);
    const text = textOf(refused.replies);
    expect(text).toContain('Slow down a little');
    expect(text).toContain('You have sent a lot of requests in a short time. Wait 20 seconds');
    expect(text).toContain('nothing was done with the last one');
    // Told once: more turns in the same stretch get no answer at all.
    expect((await h.send('help')).replies).toEqual([]);
    expect(h.logs.lines.filter((l) => l.msg === 'turns over the rate limit')).toHaveLength(1);
  });

  it('keeps the card a person clicked on and says why nothing happened', async () => {
    const res = await h.invoke('bulk.view', { runId: 'BR-AAAAAA' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringContaining('You have sent a lot of requests in a short time'),
    });
  });

  it('lets others in the tenant go on until the whole tenant is over its limit', async () => {
    expect(textOf((await h.send('help', { as: 'megan' })).replies)).toContain('Device Desk');
    expect(textOf((await h.send('help', { as: 'megan' })).replies)).toContain('Device Desk');
    const refused = await h.send('help', { as: 'megan' });
    expect(textOf(refused.replies)).toContain('Your organisation is sending the help desk bot a lot of requests');
  });

  it('does not count other activities, such as the bot being added to a team', async () => {
    const before = h.connector.calls.length;
    await h.post({
      type: 'conversationUpdate',
      id: 'cu-limit',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'user-id-0' },
      recipient: { id: '28:device-desk' },
      conversation: {
        id: 'team-limit',
        conversationType: 'channel',
        tenantId: '00000000-0000-0000-0000-0000000000001',
      },
      channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000001' }, eventType: 'teamMemberAdded' },
      membersAdded: [{ id: '28:device-desk' }],
    });
    expect(h.connector.calls.slice(before).filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('serves everyone again once the allowance has refilled', async () => {
    clock.advance(60_000);
    expect(textOf((await h.send('help')).replies)).toContain('Device Desk');
    expect(textOf((await h.send('help', { as: 'megan' })).replies)).toContain('Device Desk');
  });
});
