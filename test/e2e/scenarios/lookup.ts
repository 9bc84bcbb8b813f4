import { newestCard } from '../cards';
import type { Scenario } from '../scenario';

/**
 * Alex (tenant admin) looks up Adele's devices: a list card with an Open per device, then one
 * Chromebook's card by its serial, read fresh from Google with the buttons his role allows; then
 * a search that finds nothing.
 */
export const lookup: Scenario = {
  name: 'device lookup',
  async run(t) {
    await t.sendMessage('find devices of adelev@example.com');
    await t.waitForCardText('devices match "adelev@example.com" by user', 15_000);
    await t.waitForCardText('Showing all');
    await t.screenshot('device-list');

    // One exact serial opens the device card straight away, read fresh from Google.
    await t.sendMessage('find PFRKWGUN');
    await t.waitForCardText('Read from Google Admin', 15_000);
    await t.waitForCardText('Refresh');
    // Scroll the opened card's top into view so the screenshot shows its title and badge.
    await newestCard(t.page, 'Read from Google Admin').scrollIntoViewIfNeeded();
    await t.screenshot('device-card');

    await t.sendMessage('find ZZQ-NO-SUCH-DEVICE');
    await t.waitForCardText('No device found for "ZZQ-NO-SUCH-DEVICE"', 15_000);
    await t.screenshot('no-match');
  },
};
