import { showCardTop } from '../cards';
import type { Scenario } from '../scenario';

export const help: Scenario = {
  name: 'help card',
  async run(t) {
    await t.sendMessage('help');
    await t.waitForCardText('Device Desk', 15_000);
    // Arguments survive Teams' markdown, and each command shows one worked example.
    await t.waitForCardText('lost mode on ‹serial›');
    await t.waitForCardText('e.g. find 5CD12');
    await showCardTop(t.page, 'e.g. find 5CD12');
    await t.screenshot('help-card');
  },
};

/** A new person's first words: a greeting gets help by name, and "my devices" lists their own. */
export const firstWords: Scenario = {
  name: 'first words',
  async run(t) {
    await t.sendMessage('hi');
    await t.waitForCardText('Hi Alex! Here is what you can ask me.', 15_000);
    await t.sendMessage('my devices');
    await t.waitForCardText('Your devices', 15_000);
    await t.waitForCardText('alexw@example.com');
    await showCardTop(t.page, 'Your devices');
    await t.screenshot('my-devices');
  },
};
