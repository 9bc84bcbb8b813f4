import type { Scenario } from '../scenario';

/**
 * The help desk's main turn: Alex puts one of Adele's Chromebooks in lost mode from chat,
 * confirms on the card, and the card itself moves on to Done.
 */
export const lostMode: Scenario = {
  name: 'lost mode flow',
  async run(t) {
    await t.sendMessage('lost mode on PFRKWGUN');
    await t.waitForCardText('Confirm lost mode', 15_000);
    await t.screenshot('confirm-lost-mode');

    await t.clickButton('Confirm lost mode');
    // The status card replaces the confirmation and is updated in place until the device reads back as disabled.
    await t.waitForCardText('PFRKWGUN: lost mode is on', 45_000);
    await t.screenshot('lost-mode-done');
  },
};
