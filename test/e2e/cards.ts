import type { Locator, Page } from 'playwright-core';

/** The newest card in the chat that contains the text. */
export function newestCard(page: Page, text: string | RegExp): Locator {
  return page.locator('.ac-adaptiveCard', { hasText: text }).last();
}

/** Scrolls the newest card with the text so its top is at the top of the chat: a screenshot shows its title. */
export async function showCardTop(page: Page, text: string | RegExp): Promise<void> {
  await newestCard(page, text).evaluate((el) => el.scrollIntoView({ block: 'start' }));
}
