import { newestCard } from '../cards';
import type { Scenario } from '../scenario';

/**
 * Adele (an end user) reports her Chromebook lost from her personal chat and is told what
 * happens next. Alex (tenant admin) then makes General the help desk channel: the report, filed
 * before any channel was set, is posted there with its buttons, and he acknowledges it.
 */
export const lostReport: Scenario = {
  name: 'lost-device report',
  timeoutMs: 180_000,
  async run(t) {
    await t.switchUser('Adele Vance');
    await t.sendMessage('I lost my chromebook');
    await t.waitForCardText('Which device did you lose?', 15_000);
    const pick = newestCard(t.page, 'Which device did you lose?');
    await pick.locator('input[type="radio"]').first().check();
    await pick.getByPlaceholder('e.g. yesterday around 5 pm').fill('Yesterday around 5 pm');
    await pick.getByPlaceholder('e.g. on the 8:15 train, or Room 12').fill('On the 8:15 train');
    await pick.scrollIntoViewIfNeeded();
    await t.screenshot('lost-report-pick');

    await t.clickButton('Report lost');
    await t.waitForCardText('What happens next', 15_000);
    await t.waitForCardText('Reported: LR-');
    await newestCard(t.page, 'What happens next').scrollIntoViewIfNeeded();
    await t.screenshot('lost-report-filed');

    await t.switchUser('Alex Wilber');
    await t.openConversation('General');
    await t.sendMessage('set helpdesk channel');
    await t.waitForCardText('This is now the help desk channel', 15_000);
    await t.waitForCardText('Lost device · LR-', 15_000);
    await newestCard(t.page, 'Lost device · LR-').scrollIntoViewIfNeeded();
    await t.screenshot('lost-report-helpdesk-card');

    await t.clickButton('Acknowledge');
    await t.waitForCardText('Alex Wilber is on it', 15_000);
    await newestCard(t.page, 'Alex Wilber is on it').scrollIntoViewIfNeeded();
    await t.screenshot('lost-report-acknowledged');
  },
};
