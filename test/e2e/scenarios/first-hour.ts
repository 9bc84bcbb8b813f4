import { newestCard, showCardTop } from '../cards';
import type { Scenario, ScenarioApi } from '../scenario';

/**
 * What a new person trips over in their first hour, checked in the Playground: long lists page
 * on, the device card follows an action, an unused confirmation expires by itself, a found
 * device comes out of lost mode in one click, and a channel approval works by typing.
 * Serials are the sandbox fleet's (src/sandbox/fleet, fixed seed), none used by another scenario.
 */

/** Alex's own Chromebook (/Staff/IT). */
const ALEX_CHROMEBOOK = 'ZNUJWPB';
/** Megan's Chromebook, wiped never: its confirmation is left to expire. */
const MEGAN_CHROMEBOOK = 'NXGWVAA47864949089YER7';
/** One of Adele's Chromebooks: the lost-report scenario takes the first in her picker, PFRKWGUN is in lost mode. */
const ADELE_CHROMEBOOK = 'NXBRTAA0545730536WVPGB';
/** Two Chromebooks for a bulk factory reset, which always needs a second person. */
const BULK_SERIALS = ['NXEUYAA35319138537YG3F', '5CD6889SKC'];

/** The first match of a pattern in the newest card with that text. */
async function idIn(t: ScenarioApi, cardText: string | RegExp, pattern: RegExp): Promise<string> {
  const text = (await newestCard(t.page, cardText).textContent()) ?? '';
  const m = pattern.exec(text);
  if (!m) throw new Error(`no ${pattern} in the card with "${String(cardText)}"`);
  return m[0];
}

/** Clicks the newest card button whose label starts with the text ("Confirm …", "Yes, …"). */
async function clickStartingWith(t: ScenarioApi, start: string): Promise<void> {
  const label = await t.page
    .locator('.ac-adaptiveCard')
    .getByRole('button', { name: new RegExp(`^${start}`) })
    .last()
    .textContent();
  if (!label) throw new Error(`no card button starting with "${start}"`);
  await t.clickButton(label.trim());
}

export const listPaging: Scenario = {
  name: 'list paging',
  async run(t) {
    await t.sendMessage('find 5CD');
    await t.waitForCardText('Showing 1–10 of', 15_000);
    await t.clickButton('Next ›');
    await t.waitForCardText('Showing 11–20 of', 15_000);
    await t.waitForCardText('‹ Previous');
    await showCardTop(t.page, 'Showing 11–20 of');
    await t.screenshot('device-list-next-page');
  },
};

export const deviceCardFollowsAction: Scenario = {
  name: 'device card follows an action',
  timeoutMs: 120_000,
  async run(t) {
    await t.sendMessage(`find ${ALEX_CHROMEBOOK}`);
    await t.waitForCardText('Read from Google Admin', 15_000);
    await t.clickButton('Lost mode');
    await t.waitForCardText('Confirm lost mode', 15_000);
    await t.clickButton('Confirm lost mode');
    // The device card the button was on, not a new one, turns to Lost mode once the action ends.
    await t.waitForCardText('the device is disabled and shows the contact message', 45_000);
    const deviceCards = t.page.locator('.ac-adaptiveCard', { hasText: 'Read from Google Admin' });
    if ((await deviceCards.count()) !== 1) throw new Error('expected the one device card, updated in place');
    await showCardTop(t.page, 'the device is disabled and shows the contact message');
    await t.screenshot('device-card-after-lost-mode');
  },
};

export const confirmationExpires: Scenario = {
  name: 'an unused confirmation expires by itself',
  // The e2e bot runs with CONFIRMATION_TTL_MINUTES=1.
  timeoutMs: 150_000,
  async run(t) {
    await t.sendMessage(`wipe ${MEGAN_CHROMEBOOK}`);
    await t.waitForCardText('Only you can confirm', 15_000);
    await t.waitForCardText('Confirmation expired', 100_000);
    const expired = newestCard(t.page, 'Confirmation expired');
    if ((await expired.getByRole('button').count()) !== 0) throw new Error('the expired card still has buttons');
    await showCardTop(t.page, 'Confirmation expired');
    await t.screenshot('confirmation-expired');
  },
};

export const foundTurnsLostModeOff: Scenario = {
  name: 'I found it, then lost mode off',
  timeoutMs: 240_000,
  async run(t) {
    await t.switchUser('Adele Vance');
    await t.sendMessage('I lost my chromebook');
    await t.waitForCardText('Which device did you lose?', 15_000);
    const pick = newestCard(t.page, 'Which device did you lose?');
    await pick.getByText(ADELE_CHROMEBOOK, { exact: false }).click();
    await pick.getByPlaceholder('e.g. yesterday around 5 pm').fill('This morning');
    await pick.getByPlaceholder('e.g. on the 8:15 train, or Room 12').fill('The library');
    await t.clickButton('Report lost');
    // A report already open for it (an earlier run on the same bot) is as good as a new one.
    const filed = /Reported: LR-|You already reported this device/;
    await newestCard(t.page, filed).waitFor({ timeout: 15_000 });
    const reportId = await idIn(t, filed, /LR-[A-Z0-9]{4}/);

    // The help desk locks it while the report is open.
    await t.switchUser('Alex Wilber');
    await t.sendMessage(`lost mode on ${ADELE_CHROMEBOOK}`);
    await t.waitForCardText('Confirm lost mode', 15_000);
    await t.clickButton('Confirm lost mode');
    await t.waitForCardText(`${ADELE_CHROMEBOOK}: lost mode is on`, 45_000);

    // Adele finds it: her closed report offers to turn lost mode off.
    await t.switchUser('Adele Vance');
    await t.sendMessage('I found it');
    // Her chat starts empty after the switch: any such card is the answer.
    await newestCard(t.page, /Which one\?|Resolved \(found\)/).waitFor({ timeout: 15_000 });
    if (await newestCard(t.page, 'Which one?').isVisible()) {
      await t.sendMessage(`found ${reportId}`);
      await t.waitForCardText('Resolved (found)', 15_000);
    }
    await t.waitForCardText('Turn lost mode off');
    await showCardTop(t.page, 'Resolved (found)');
    await t.screenshot('found-offers-lost-mode-off');

    // The help desk gives it back with one click on the report, through the usual confirmation.
    await t.switchUser('Alex Wilber');
    await t.sendMessage(`report ${reportId}`);
    await t.waitForCardText('Turn lost mode off', 15_000);
    await t.clickButton('Turn lost mode off');
    await t.waitForCardText('Only you can confirm', 15_000);
    await clickStartingWith(t, 'Confirm');
    await t.waitForCardText(`${ADELE_CHROMEBOOK}: lost mode is off`, 45_000);
    await showCardTop(t.page, `${ADELE_CHROMEBOOK}: lost mode is off`);
    await t.screenshot('found-lost-mode-off-done');
  },
};

export const channelApprovalByTyping: Scenario = {
  name: 'channel bulk approval typed',
  timeoutMs: 240_000,
  async run(t) {
    await t.openConversation('General');
    await t.sendMessage('set helpdesk channel');
    await t.waitForCardText('help desk channel', 15_000);

    await t.openConversation('Personal Chat');
    await t.sendMessage(`bulk factory reset ${BULK_SERIALS.join(' ')}`);
    await t.waitForCardText('Ask for approval', 15_000);
    const runId = await idIn(t, 'Ask for approval', /BR-[A-Z0-9]{6}/);
    await t.clickButton('Ask for approval');
    await t.waitForCardText('Waiting for approval in the help desk channel', 15_000);

    // The request in the channel says what to type where a client shows no buttons.
    await t.openConversation('General');
    await t.waitForCardText(`approve ${runId}`, 15_000);
    await showCardTop(t.page, `approve ${runId}`);
    await t.screenshot('bulk-approval-request');

    await t.switchUser('Megan Bowen');
    await t.openConversation('General');
    await t.sendMessage(`approve ${runId}`);
    await t.waitForCardText('Approved by Megan Bowen', 15_000);
    await showCardTop(t.page, 'Approved by Megan Bowen');
    await t.screenshot('bulk-approved-typed');
  },
};

export const composeBoxSearch: Scenario = {
  name: 'compose-box search',
  async run(t) {
    const page = t.page;
    // As shipped: the Playground's command id and parameter name are left empty.
    await page.getByRole('button', { name: 'Trigger Message Extension App' }).first().click();
    await page.getByText('Search Command', { exact: true }).first().click();
    await page.getByPlaceholder('Enter a search term').fill(ALEX_CHROMEBOOK);
    await page.getByText(`${ALEX_CHROMEBOOK} ·`, { exact: false }).first().click();
    await t.screenshot('compose-box-search');
    // The inserted card goes out like a message: the bot has nothing to add to it.
    await page.locator('[data-lexical-editor="true"]').first().click();
    await page.keyboard.press('Enter');
    await t.waitForCardText(ALEX_CHROMEBOOK, 15_000);
    await page.waitForTimeout(4_000);
    if ((await page.getByText("I didn't understand", { exact: false }).count()) > 0)
      throw new Error('the bot answered the inserted card with help');
    await t.screenshot('compose-box-card-sent');
  },
};
