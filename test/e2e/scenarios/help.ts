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
