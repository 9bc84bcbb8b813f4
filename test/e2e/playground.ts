import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { configAs, type PlaygroundConfig, writePlaygroundConfig } from '../../scripts/playground-config';
import { freePort, type ManagedProcess, startProcess, stopProcess, waitForHttp } from './processes';
import type { ScenarioApi } from './scenario';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface PlaygroundOptions {
  repoRoot: string;
  /** Where logs, generated configs and browser profiles go. */
  runDir: string;
  botEndpoint: string;
  /** The repo's .m365agentsplayground.yml, parsed. */
  baseConfig: PlaygroundConfig;
  chromiumPath: string;
}

/** The Agents Playground process; restartable as another user. */
export class PlaygroundServer {
  private proc?: ManagedProcess;
  private port = 0;
  private restarts = 0;
  user: string;

  constructor(private readonly opts: PlaygroundOptions) {
    this.user = opts.baseConfig.currentUser.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  get process(): ManagedProcess | undefined {
    return this.proc;
  }

  /** Starts as `who` (default: the config's currentUser). */
  async start(who?: string): Promise<void> {
    await this.stop();
    const config = who ? configAs(this.opts.baseConfig, who) : this.opts.baseConfig;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      // Keep its log out of the repo (it defaults to ./devTools/).
      M365_AGENTS_PLAYGROUND_LOGFILE: join(this.opts.runDir, `playground-${this.restarts}.file.log`),
    };
    if (who) {
      // Without this variable it reads .m365agentsplayground.yml from its working directory.
      const path = join(this.opts.runDir, `playground-as-${config.currentUser.id}.yml`);
      writePlaygroundConfig(path, config);
      env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = path;
    }
    // A new port each time: the Playground silently moves to a random port if its port is busy.
    this.port = await freePort();
    this.proc = startProcess(
      'playground',
      join(this.opts.repoRoot, 'node_modules', '.bin', 'agentsplayground'),
      ['-e', this.opts.botEndpoint, '-c', 'msteams', '-p', String(this.port), '--disable-telemetry'],
      { cwd: this.opts.repoRoot, env, logFile: join(this.opts.runDir, `playground-${this.restarts}.log`) },
    );
    this.restarts++;
    await waitForHttp(this.url, { timeoutMs: 30_000, process: this.proc });
    this.user = config.currentUser.name;
  }

  async stop(): Promise<void> {
    if (this.proc) await stopProcess(this.proc);
    this.proc = undefined;
  }
}

/** One scenario's browser session against the Playground. */
export class PlaygroundSession implements ScenarioApi {
  private context?: BrowserContext;
  private pageRef?: Page;
  private inChannel = false;
  private readonly profileDirs: string[] = [];

  constructor(
    private readonly server: PlaygroundServer,
    private readonly opts: PlaygroundOptions & { imagesDir: string; defaultTimeoutMs: number },
  ) {}

  get page(): Page {
    if (!this.pageRef) throw new Error('the browser is not open');
    return this.pageRef;
  }

  get currentUser(): string {
    return this.server.user;
  }

  async open(): Promise<void> {
    // A fresh profile per browser: no state carried between scenarios.
    const profile = mkdtempSync(join(this.opts.runDir, 'chromium-'));
    this.profileDirs.push(profile);
    this.context = await chromium.launchPersistentContext(profile, {
      executablePath: this.opts.chromiumPath,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 800 },
    });
    this.context.setDefaultTimeout(this.opts.defaultTimeoutMs);
    this.pageRef = this.context.pages()[0] ?? (await this.context.newPage());
    await this.load();
  }

  private async load(): Promise<void> {
    const page = this.page;
    // The first load compiles the Playground's bundle in Chromium: slow on a busy machine.
    await page.goto(this.server.url, { timeout: 60_000 });
    // The team's name comes from our config file: seeing it proves the file was read.
    await page.getByText(this.opts.baseConfig.team.name).first().waitFor({ timeout: 30_000 });
    await page.getByText(this.server.user, { exact: true }).first().waitFor();
    await this.editor().waitFor();
    const hideLog = page.locator('button[title="Hide log panel"]');
    if (await hideLog.isVisible()) await hideLog.click();
    this.inChannel = false;
    await this.settle();
  }

  /**
   * Opening the Playground installs the app, and the bot may answer with a welcome card a moment
   * later. Wait until the number of cards stops changing so that card isn't taken for a reply.
   */
  private async settle(quietMs = 700, maxMs = 5000): Promise<void> {
    const cards = this.page.locator('.ac-adaptiveCard');
    const deadline = Date.now() + maxMs;
    let count = await cards.count();
    let stableSince = Date.now();
    while (Date.now() < deadline && Date.now() - stableSince < quietMs) {
      await this.page.waitForTimeout(100);
      const now = await cards.count();
      if (now !== count) {
        count = now;
        stableSince = Date.now();
      }
    }
  }

  async close(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    this.context = undefined;
    this.pageRef = undefined;
    for (const dir of this.profileDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  private editor() {
    return this.page.locator('[data-lexical-editor="true"]').first();
  }

  async openConversation(name: string): Promise<void> {
    const channel = this.opts.baseConfig.team.channels.find((c) => c.name === name);
    const isChannel = name === 'General' || channel !== undefined;
    const label = isChannel ? `${this.opts.baseConfig.team.name} - ${name}` : name;
    await this.page.getByLabel(label, { exact: true }).first().click();
    await this.editor().waitFor();
    this.inChannel = isChannel;
  }

  /**
   * Tags every card on screen as already seen, so the next wait only accepts a card that arrives
   * (or is re-rendered by an update) afterwards: the install welcome card, say, must not satisfy
   * a wait for the answer to `help`.
   */
  private async markCardsSeen(): Promise<void> {
    // The mark holds the card's text: an update in place (Action.Execute) keeps the element.
    await this.page
      .locator('.ac-adaptiveCard')
      .evaluateAll((cards) => cards.forEach((c) => c.setAttribute('data-e2e-seen', c.textContent ?? '')));
  }

  async sendMessage(text: string): Promise<void> {
    await this.markCardsSeen();
    const editor = this.editor();
    await editor.click();
    if (this.inChannel) {
      const botName = this.opts.baseConfig.bot.name;
      await this.page.keyboard.type(`@${botName.slice(0, 3)}`);
      await this.page.locator('#typeahead-menu [role="menuitem"]', { hasText: botName }).first().click();
      await this.page.keyboard.type(` ${text}`);
    } else {
      await this.page.keyboard.type(text);
    }
    await this.page.keyboard.press('Enter');
    // The sent text shows up as the user's own message once the Playground has taken it.
    await this.page.getByText(text, { exact: false }).last().waitFor();
  }

  async waitForCardText(text: string, timeoutMs = this.opts.defaultTimeoutMs): Promise<void> {
    const cards = this.page.locator('.ac-adaptiveCard', { hasText: text });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = await cards.evaluateAll((els) =>
        els.some((c) => !c.hasAttribute('data-e2e-seen') || c.getAttribute('data-e2e-seen') !== (c.textContent ?? '')),
      );
      if (fresh) return;
      if (Date.now() > deadline) throw new Error(`no new card with "${text}" within ${timeoutMs} ms`);
      await this.page.waitForTimeout(150);
    }
  }

  async waitForText(text: string, timeoutMs = this.opts.defaultTimeoutMs): Promise<void> {
    try {
      await this.page.getByText(text).last().waitFor({ timeout: timeoutMs });
    } catch {
      throw new Error(`no "${text}" within ${timeoutMs} ms`);
    }
  }

  async clickButton(label: string): Promise<void> {
    const button = this.page.locator('.ac-adaptiveCard').getByRole('button', { name: label, exact: true }).last();
    await this.markCardsSeen();
    try {
      await button.click();
    } catch {
      throw new Error(`no card button "${label}"`);
    }
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(this.opts.imagesDir, { recursive: true });
    const path = join(this.opts.imagesDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  async switchUser(name: string): Promise<void> {
    const onlyRestart = this.server.user === name;
    if (!onlyRestart) await this.server.start(name);
    await this.load();
  }

  /** Saves the viewport for a failed scenario (not under docs/). */
  async failureShot(path: string): Promise<void> {
    await this.pageRef?.screenshot({ path }).catch(() => undefined);
  }
}
