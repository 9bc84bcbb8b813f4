import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './deps';
import { registerActions } from './actions';
import { registerBulk } from './bulk';
import { registerAudit } from './audit';
import { registerConnector } from './connector';
import { registerIntune } from './intune';
import { registerErrorHandler } from './errors';
import { registerFallback, registerHelp } from './help';
import { registerLookup } from './lookup';
import { registerLost } from './lost';
import { registerInsertedCards, registerMessageExtension } from './message-extension';
import { registerPin } from './pin';
import { registerTenantGuard } from './tenant-guard';
import { registerTurnLimit } from './turn-limit';
import { registerRoles } from './roles';
import { registerWhoami } from './whoami';
import { registerSettingsCommands } from './settings-commands';

/**
 * The teams-ai Application with every route. Routes are tried in registration order and the
 * first match wins, so specific commands come first and the catch-all last.
 */
export function createBotApp(adapter: TeamsAdapter, deps: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    // No storage: no route keeps anything in teams-ai's turn state. Confirmations, requests, runs
    // and settings live in the bot's own stores, so a storage here would be two Redis reads on
    // every turn of keys that are never written.
    botAppId: deps.settings.botAppId,
    removeRecipientMention: true,
    // One timer is shared by concurrent turns in teams-ai: it would mix up conversations.
    startTypingTimer: false,
    longRunningMessages: false,
  });
  registerErrorHandler(app, deps);
  registerTenantGuard(app, deps);
  // After the tenant guard: turns of tenants that are turned away don't use anyone's allowance.
  registerTurnLimit(app, deps);
  // A card inserted from the compose box and sent is no command: before every text route.
  registerInsertedCards(app, deps);
  registerHelp(app, deps);
  registerWhoami(app, deps);
  registerRoles(app, deps);
  registerAudit(app, deps);
  registerConnector(app, deps);
  registerIntune(app, deps);
  // `pin <serial>` reads a Mac's recovery PIN; never a search.
  registerPin(app, deps);
  // Before the lookup: `wipe 5CD…` is an action, never a search.
  registerActions(app, deps);
  // `bulk wipe …` starts with its own word; before the lookup so it is never a search.
  registerBulk(app, deps);
  registerSettingsCommands(app, deps);
  // Before the lookup: "where is my lost laptop" is a report, not a search.
  registerLost(app, deps);
  registerLookup(app, deps);
  registerMessageExtension(app, deps);
  registerFallback(app, deps);
  return app;
}
