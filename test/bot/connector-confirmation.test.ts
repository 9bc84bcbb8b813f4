import { join } from 'node:path';
import { ManualClock } from '../../src/clock';
import { cardOf, cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';

// The bot runs on a manual clock so that five minutes pass in an instant.
const mockClock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));

describe('connector delete confirmation: bound to the requester, expires', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      { ACCESS_CONFIG: join(__dirname, '..', 'connector', 'fixtures', 'access.two-admins.yaml') },
      undefined,
      { start: { clock: mockClock } },
    );
  });
  afterAll(async () => {
    await h.stop();
  });

  const askToDelete = async () => {
    const card = cardOf((await h.send('connector delete', { as: 'alex' })).replies[0]);
    expect(cardText(card)).toMatch(/Only Alex Wilber can confirm, once, until 2026-03-02 10:\d\d:\d\d UTC/);
    return card.actions.find((a: any) => a.verb === 'connector.delete.confirm').data;
  };
  const confirm = async (data: Record<string, unknown>, as: 'alex' | 'megan') => {
    const { status, body } = await h.invoke('connector.delete.confirm', data, { as });
    expect(status).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    return cardText(body.value);
  };
  const connected = async () =>
    !cardText(cardOf((await h.send('connector status', { as: 'alex' })).replies[0])).includes('Not connected');

  it("refuses another admin's click on someone else's confirmation, and audits it", async () => {
    const data = await askToDelete();
    expect(await confirm(data, 'megan')).toContain('Only Alex Wilber can confirm or cancel this deletion');
    expect(
      (await h.invoke('connector.delete.cancel', data, { as: 'megan' })).body.value.body
        .map((b: any) => b.text)
        .join(' '),
    ).toContain('Only Alex Wilber');
    expect(await connected()).toBe(true);
    const trail = cardText(cardOf((await h.send('audit meganb@example.com', { as: 'alex' })).replies[0]));
    expect(trail).toMatch(
      /\*\*Delete the Google connection\*\* rejected · meganb@example\.com · admin@example\.com — someone else's confirmation/,
    );
  });

  it('refuses a confirmation after 5 minutes; a fresh one still works', async () => {
    const stale = await askToDelete();
    mockClock.advance(5 * 60_000 + 1000);
    expect(await confirm(stale, 'alex')).toContain('This confirmation expired');
    expect(await connected()).toBe(true);

    const fresh = await askToDelete();
    mockClock.advance(4 * 60_000);
    expect(await confirm(fresh, 'alex')).toContain('ChromeOS devices were removed');
    expect(await connected()).toBe(false);
  });
});
