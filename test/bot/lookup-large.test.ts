import { COUNT_LIMIT } from '../../src/inventory';
import { generateFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');

/** A fleet with more matches than the inventory counts: the list says so instead of a number. */
describe('a search that matches more than the inventory counts', () => {
  let google: GoogleEmulator;
  let h: Harness;
  const fleet = generateFleet({ seed: 'lookup-large', size: 400, domain: 'example.com', now: START });
  const chromebooks = fleet.filter((d) => /\bchromebook\b/i.test(d.model ?? ''));

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: fleet });
    h = await startHarness({}, undefined, { start: { google } });
  });
  afterAll(async () => {
    await h.stop();
    await google.close();
  });

  it('says "more than 200", pages on, and asks to narrow', async () => {
    // Every device whose model names the word matches at least: the fleet must reach past the count.
    expect(chromebooks.length).toBeGreaterThan(COUNT_LIMIT);
    const { replies } = await h.send('find chromebook', { as: 'alex' });
    const card = cardOf(replies[0]);
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('More than 200 devices match "chromebook"');
    expect(text).toContain('Showing 1–10 of more than 200');
    expect(text).toMatch(/narrow it down/i);

    const next = await h.invoke('list.page', { query: 'chromebook', offset: 10 }, { as: 'alex' });
    expect(validateCard(next.body.value)).toEqual([]);
    expect(cardText(next.body.value)).toContain('Showing 11–20 of more than 200');
  });

  it('an action typed against such a query asks for one device and says how many match', async () => {
    const { replies } = await h.send('restart chromebook', { as: 'alex' });
    const text = cardText(cardOf(replies[0]));
    expect(text).toContain('More than 200 devices match "chromebook": which one?');
    expect(text).not.toContain('Showing all');
  });
});
