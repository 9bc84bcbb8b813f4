import { cardOf, cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';

/** The action settings an admin sets in the environment reach the cards and the flow. */
describe('action settings from the environment', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      REBOOT_MIN_MILESTONE: '200',
      ACTIONS_SKIP_CONFIRMATION: 'true',
      CONFIRMATION_TTL_MINUTES: '2',
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('offers Restart only from the configured ChromeOS milestone on, on the card and from text', async () => {
    // PFRKWGUN is a regular Chromebook on ChromeOS 130 in the sandbox fleet.
    const card = cardOf((await h.send('find PFRKWGUN')).replies[0]);
    expect(cardText(card)).toContain('ChromeOS 130');
    expect(card.actions.map((a: any) => a.title)).not.toContain('Restart');
    expect(card.actions.map((a: any) => a.title)).toContain('Lost mode');
    const refused = cardText(cardOf((await h.send('restart PFRKWGUN')).replies[0]));
    expect(refused).not.toContain('Confirm');
  });

  it('runs a non-destructive action without a confirmation card when told to', async () => {
    const { replies } = await h.send('lost mode on PFRKWGUN');
    const first = cardText(cardOf(replies[0]));
    expect(first).not.toContain('Confirm lost mode');
    expect(first).toContain('Sending it to Google');
    // The same card then becomes the request's status card.
    const update = await h.connector.waitFor(
      (c) => c.method === 'PUT' && c.activityId === replies[0].id && /Request DD-[A-Z0-9]{6}/.test(cardText(cardOf(c))),
    );
    expect(cardText(cardOf(update))).toContain('PFRKWGUN');
  });

  it('still asks before a wipe, with the configured expiry', async () => {
    const before = Date.now();
    const card = cardText(cardOf((await h.send('wipe PFRKWGUN')).replies[0]));
    expect(card).toContain('Yes, wipe user profiles');
    const expires = /expires at (\d{4}-\d\d-\d\d \d\d:\d\d) UTC/.exec(card)![1];
    const minutes = (Date.parse(`${expires.replace(' ', 'T')}:00Z`) - before) / 60_000;
    expect(minutes).toBeGreaterThan(0.9);
    expect(minutes).toBeLessThanOrEqual(2);
  });
});
