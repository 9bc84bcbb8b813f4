/** The chat layer as src/index.ts wires it: the Application, its notifiers and the download route. */
export { createBotApp } from './app';
export { registerBulkDownload } from './bulk-download';
export { startApprovalExpiry, TeamsBulkNotifier } from './bulk-notifier';
export type { BotDeps, BotSettings, BulkChat } from './deps';
export { IdentityService } from './identity';
export { TeamsLostNotifier } from './lost-notifier';
export { freshDeviceCard } from './lookup';
export { TeamsRequestNotifier } from './notifier';
