import type { Page } from 'playwright-core';

/** What a scenario can do in the Playground, as the person currently signed in there. */
export interface ScenarioApi {
  /**
   * Types a message and sends it in the open conversation. In a channel it starts a new post
   * that @mentions the bot, since Teams only passes channel posts that mention it.
   */
  sendMessage(text: string): Promise<void>;
  /**
   * Waits until a card contains the text, counting only cards that arrived or were updated since
   * the last sendMessage/clickButton (before any of those: every card on screen).
   */
  waitForCardText(text: string, timeoutMs?: number): Promise<void>;
  /** Waits until the text appears anywhere in the conversation (plain replies, cards). */
  waitForText(text: string, timeoutMs?: number): Promise<void>;
  /** Clicks the newest card button with this label (exact match). */
  clickButton(label: string): Promise<void>;
  /** Saves the viewport as docs/images/<name>.png and returns the path. */
  screenshot(name: string): Promise<string>;
  /**
   * Continues as another sandbox person (name, given name, UPN, email, Teams id or object id).
   * The Playground can't change user while running, so this restarts it with that person as
   * currentUser: the bot keeps its state, the Playground's chat history starts empty.
   */
  switchUser(name: string): Promise<void>;
  /** Opens a conversation from the left rail: "Personal Chat", the group chat's name, or a channel ("General", "On-call"). */
  openConversation(name: string): Promise<void>;
  /** Display name of the person signed in. */
  readonly currentUser: string;
  /** The Playwright page, for what the helpers don't cover. */
  readonly page: Page;
}

export interface Scenario {
  name: string;
  /** Needs the stand-in bot's test-only behaviour (skipped against the real bot). */
  standInOnly?: boolean;
  /** Per-scenario limit; the runner's default applies when absent. */
  timeoutMs?: number;
  run(t: ScenarioApi): Promise<void>;
}
