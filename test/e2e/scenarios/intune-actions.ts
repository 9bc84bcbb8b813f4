import type { Scenario } from '../scenario';

/** Diego Siciliani's Windows laptop and Adele Vance's iPhone in the sandbox's Intune fleet. */
const WINDOWS_LAPTOP = '5CG343R83N';
const IPHONE = 'SUV2EM5X4V';

/**
 * Intune's everyday actions: Alex wipes a Windows laptop (the confirmation card shows Windows'
 * wipe options), the card follows Intune to Done; then syncs an iPhone, which needs no confirmation.
 */
export const intuneActions: Scenario = {
  name: 'intune wipe and sync',
  async run(t) {
    await t.sendMessage(`wipe ${WINDOWS_LAPTOP}`);
    await t.waitForCardText('Keep user data and accounts', 15_000);
    await t.waitForCardText('Keep enrolment data', 5_000);
    await t.screenshot('intune-wipe-confirm');
    await t.clickButton('Yes, wipe');
    await t.waitForCardText(`${WINDOWS_LAPTOP}: wiped.`, 60_000);
    await t.screenshot('intune-wipe-done');

    await t.sendMessage(`sync ${IPHONE}`);
    await t.waitForCardText(`${IPHONE}: synced with Intune.`, 60_000);
  },
};
