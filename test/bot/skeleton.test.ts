import { cardOf, cardText } from '../support/connector';
import { Harness, PEOPLE, startHarness } from '../support/harness';

describe('the bot answers in Teams', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers help with an Adaptive Card 1.5 of the commands, marked Sandbox', async () => {
    const { status, replies } = await h.send('help');
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    const card = cardOf(replies[0]);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    const text = cardText(card);
    expect(text).toContain('Device Desk');
    expect(text).toContain('Sandbox');
    expect(text).toMatch(/help/);
  });

  it('answers the reply to the incoming activity in its conversation', async () => {
    const { replies } = await h.send('HELP', { as: 'megan' });
    expect(replies[0].conversationId).toBe('personal-user-id-1');
  });

  it('answers unknown text with help and a one-line hint quoting it', async () => {
    const { replies } = await h.send('make me a sandwich');
    const text = cardText(cardOf(replies[0]));
    expect(text).toContain('I didn\'t understand "make me a sandwich"');
    expect(text).toContain('Device Desk');
  });

  it.each(['help me', 'Help please!', 'what can you do?', 'How does this work', 'commands', '?'])(
    'answers "%s" with the help card and no hint',
    async (text) => {
      const { replies } = await h.send(text, { as: 'adele' });
      const card = cardText(cardOf(replies[0]));
      expect(card).toContain('Device Desk');
      expect(card).toContain('find ‹serial | asset id | user@domain›');
      expect(card).not.toContain("I didn't understand");
    },
  );

  it.each([
    ['hi', 'alex', 'Hi Alex!'],
    ['Hello there!', 'megan', 'Hi Megan!'],
    ['good morning', 'adele', 'Hi Adele!'],
  ] as const)('answers the greeting "%s" by name, then what they can ask', async (text, as, greeting) => {
    const { replies } = await h.send(text, { as });
    const card = cardText(cardOf(replies[0]));
    expect(card).toContain(`${greeting} Here is what you can ask me.`);
    expect(card).not.toContain("I didn't understand");
  });

  it('greets a "Last, First" display name by the given name', async () => {
    const { replies } = await h.send('hey', {
      as: { ...PEOPLE.adele, teamsId: 'user-id-comma', name: 'Vance, Adele' },
    });
    expect(cardText(cardOf(replies[0]))).toContain('Hi Adele!');
  });

  it.each([
    ['thanks', "You're welcome!"],
    ['Thank you so much!', "You're welcome!"],
    ['ok', 'Anything else?'],
    ['got it 👍', 'Anything else?'],
    ['👍', 'Anything else?'],
  ])('answers "%s" in a line, not with the whole help card', async (text, title) => {
    const { replies } = await h.send(text, { as: 'adele' });
    const card = cardText(cardOf(replies[0]));
    expect(card).toContain(title);
    expect(card).toContain('Type `help`');
    expect(card).not.toContain('find ‹serial');
  });

  it('does not take a command that starts with a greeting for a greeting', async () => {
    const { replies } = await h.send('hi wipe everything', { as: 'alex' });
    expect(cardText(cardOf(replies[0]))).toContain('I didn\'t understand "hi wipe everything"');
  });

  it.each([
    ['<at>Device Desk</at> help me', 'find ‹serial | asset id | user@domain›'],
    ['<at>Device Desk</at>&nbsp;whoami', 'UPN'],
    ['<at>Device Desk</at> hi', 'Hi Megan!'],
    ['<at>Adele Vance</at> <at>Device Desk</at> my actions', 'Your recent actions'],
    ['<at>Device Desk</at> thanks', "You're welcome!"],
  ])('routes "%s" in a channel, with the mention still in the text, like the words alone', async (text, expected) => {
    const channel = {
      conversationType: 'channel' as const,
      conversationId: '19:general@thread.tacv2;messageid=1',
      channelData: { team: { id: '19:team@thread.tacv2' }, channel: { id: '19:general@thread.tacv2' } },
    };
    const { replies } = await h.send(text, { as: 'megan', ...channel });
    const card = cardText(cardOf(replies[0]));
    expect(card).toContain(expected);
    expect(card).not.toContain("I didn't understand");
  });

  it('strips markdown from quoted text so input cannot restyle the card', async () => {
    const { replies } = await h.send('**bold** [link](http://x)');
    expect(cardText(cardOf(replies[0]))).toContain('"bold link(http://x)"');
  });

  it('greets once when the bot is added to a conversation', async () => {
    const before = h.connector.calls.length;
    await h.post({
      type: 'conversationUpdate',
      id: 'cu-1',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'user-id-0' },
      recipient: { id: '28:device-desk' },
      conversation: {
        id: 'team-conv-1',
        conversationType: 'channel',
        tenantId: '00000000-0000-0000-0000-0000000000001',
      },
      channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000001' }, eventType: 'teamMemberAdded' },
      membersAdded: [{ id: '28:device-desk' }, { id: 'user-id-0' }],
    });
    const sent = h.connector.calls.slice(before).filter((c) => c.method === 'POST');
    expect(sent).toHaveLength(1);
    expect(cardText(cardOf(sent[0]))).toContain("Hi, I'm Device Desk");
  });

  it('does not greet when only people join', async () => {
    const before = h.connector.calls.length;
    await h.post({
      type: 'conversationUpdate',
      id: 'cu-2',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'user-id-0' },
      recipient: { id: '28:device-desk' },
      conversation: {
        id: 'team-conv-1',
        conversationType: 'channel',
        tenantId: '00000000-0000-0000-0000-0000000000001',
      },
      channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000001' } },
      membersAdded: [{ id: 'user-id-3' }],
    });
    expect(h.connector.calls.slice(before)).toHaveLength(0);
  });

  it('answers a message without text with help', async () => {
    const { replies } = await h.send('');
    expect(cardText(cardOf(replies[0]))).toContain('I can only read text messages');
  });

  it('rejects a body that is not an activity without crashing', async () => {
    const res = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"nonsense":true}',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const { replies } = await h.send('help');
    expect(replies).toHaveLength(1);
  });

  it('serves health and Prometheus metrics', async () => {
    const base = h.url.replace('/api/messages', '');
    const health = await (await fetch(`${base}/healthz`)).json();
    expect(health).toEqual({ ok: true, mode: 'sandbox', version: expect.any(String) });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    // On memory storage there is no Redis to ask.
    expect(await ready.json()).toEqual({
      ready: true,
      checks: { tenants: 'ok', queues: 'ok', acceptingTurns: 'ok' },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/devicedesk_turns_total\{type="message"\} \d+/);
    expect(metrics).toContain('devicedesk_turn_duration_seconds_bucket');
  });

  it('logs unrecognised messages with the activity id', async () => {
    await h.send('gibberish here');
    expect(h.logs.lines.some((l) => l.msg === 'unrecognised message' && typeof l.activityId === 'string')).toBe(true);
  });
});

describe('tenant allow-list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: '00000000-0000-0000-0000-0000000000001' });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers people of an allowed tenant', async () => {
    const { replies } = await h.send('help');
    expect(cardOf(replies[0])).toBeDefined();
  });

  it('tells people of another tenant that the bot is not enabled for them, and does nothing else', async () => {
    const { replies } = await h.send('help', { tenantId: '11111111-1111-1111-1111-111111111111' });
    expect(replies).toHaveLength(1);
    expect(replies[0].body.text).toContain('not enabled for your organisation');
    expect(cardOf(replies[0])).toBeUndefined();
  });
});
