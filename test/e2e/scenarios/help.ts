import type { Scenario } from '../scenario';

export const help: Scenario = {
  name: 'help card',
  async run(t) {
    await t.sendMessage('help');
    await t.waitForCardText('Device Desk', 15_000);
    await t.screenshot('help-card');
  },
};
