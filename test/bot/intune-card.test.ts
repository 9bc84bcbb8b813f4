import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import { cardOf, cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';

/** Intune devices have their own card, read fresh from Graph like ChromeOS ones are from Google. */
describe('Intune device card', () => {
  const fleet = sandboxIntuneFleet(Date.now());
  const mac = fleet.find((d) => d.userPrincipalName === 'adelev@example.com' && d.operatingSystem === 'macOS')!;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('shows platform, OS, compliance, user, last check-in, read from Intune, with the Mac’s actions for the admin', async () => {
    const card = cardOf((await h.send(`find ${mac.serialNumber}`)).replies[0]);
    const text = cardText(card);
    expect(text).toContain('macOS · Intune');
    expect(text).toContain(`macOS ${mac.osVersion}`);
    expect(text).toMatch(/Compliance\n(Compliant|Noncompliant|In grace period|Unknown)/);
    expect(text).toContain(`${mac.userDisplayName} (adelev@example.com)`);
    expect(text).toMatch(/Last check-in\n.+ \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(text).toMatch(/Read from Intune at /);
    // A Mac: lock, sync, restart; retire and wipe in the overflow menu; no lost mode, locate or passcode reset.
    expect(card.actions.map((a: any) => `${a.title}${a.mode === 'secondary' ? ' (more)' : ''}`)).toEqual([
      'Remote lock',
      'Sync',
      'Restart',
      'Retire (more)',
      'Wipe (more)',
      'Refresh',
    ]);
  });

  it('shows no action to the auditor and no org-unit facts, which Intune devices do not have', async () => {
    const card = cardOf((await h.send(`find ${mac.serialNumber}`, { as: 'patti' })).replies[0]);
    expect(card.actions.map((a: any) => a.title)).toEqual(['Refresh']);
    expect(cardText(card)).not.toContain('Org unit');
  });

  it('falls back to the last sync, and says so, when Graph refuses the read', async () => {
    const graph = h.bot.sandbox!.graph!;
    // 5xx would be retried with backoff first; a refusal is not, so one is enough here.
    graph.failNext(1, 403);
    const text = cardText(cardOf((await h.send(`find ${mac.serialNumber}`)).replies[0]));
    // The card says why, in Graph's words turned into the admin's: here, a refusal.
    expect(text).toMatch(/From the last Intune sync: Microsoft Graph refused/);
    expect(text).toContain(mac.serialNumber);
  });
});
