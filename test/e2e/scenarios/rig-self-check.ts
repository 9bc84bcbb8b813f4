import type { Scenario } from '../scenario';

/**
 * Proves the rig's own moves against the stand-in bot: a card button round-trips an
 * Action.Execute, old cards don't answer new messages, another user can be signed in, and a
 * channel post reaches the bot.
 */
export const rigSelfCheck: Scenario = {
  name: 'rig self-check (stand-in bot)',
  standInOnly: true,
  async run(t) {
    await t.sendMessage('help');
    await t.waitForCardText('Device Desk');
    await t.clickButton('Refresh');
    await t.waitForCardText('Refreshed 1 time(s)');

    // A card already on screen must not count as the answer to a later message.
    await t.sendMessage('ping');
    await t.waitForText('echo: ping');
    const stale = await t.waitForCardText('Device Desk', 1500).then(
      () => true,
      () => false,
    );
    if (stale) throw new Error('waitForCardText accepted a card from before the last message');

    await t.switchUser('Megan Bowen');
    if (t.currentUser !== 'Megan Bowen') throw new Error(`still signed in as ${t.currentUser}`);
    await t.sendMessage('whoami');
    await t.waitForText('You are Megan Bowen (00000000-0000-0000-0000-0000000000021)');

    await t.openConversation('On-call');
    await t.sendMessage('whoami');
    await t.waitForText('You are Megan Bowen (00000000-0000-0000-0000-0000000000021)');
  },
};
