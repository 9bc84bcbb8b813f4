import type { AccessResolver, Guard } from '../src/access';
import type { ActionService, PinService } from '../src/actions';
import type { BulkRunStore, BulkService } from '../src/actions/bulk';
import type { AuditTrail } from '../src/audit';
import type { AuditDesk } from '../src/audit-desk';
import type { Clock } from '../src/clock';
import type { ConnectorService, IntuneConnection } from '../src/connector';
import type { DeviceReader } from '../src/devices';
import type { Logger } from '../src/log';
import type { LostReportDesk, OnCallRoster } from '../src/lost';
import type { DeskMetrics } from '../src/telemetry';
import type { TenantSettingsStore } from '../src/store';
import type { TurnLimiter } from '../src/turn-limit';
import type { TeamsBulkNotifier } from './bulk-notifier';
import type { CardView } from './cards';
import type { IdentityService } from './identity';

/** The few settings the chat layer reads itself. */
export interface BotSettings {
  /** '' in the sandbox, where Bot Framework auth is off. */
  botAppId: string;
  /** The tenants served, each with its own connections; turns from any other are turned away. */
  allowedTenantIds: readonly string[];
}

/** What src/index.ts builds for bulk runs. */
export interface BulkChat {
  service: BulkService;
  store: BulkRunStore;
  notifier: TeamsBulkNotifier;
  /** Accept http:// file links (sandbox and tests only; Teams links are https). */
  allowHttpDownloads: boolean;
}

/** What the chat layer is given by src/index.ts; feature modules take only what they use. */
export interface BotDeps {
  settings: BotSettings;
  logger: Logger;
  metrics: DeskMetrics;
  view: CardView;
  clock: Clock;
  identity: IdentityService;
  /** For showing what someone may do (help, whoami); the services check every action themselves. */
  guard: Guard;
  access: AccessResolver;
  audit: AuditTrail;
  /** The audit trail as each reader may see it. */
  auditDesk: AuditDesk;
  /** Device searches and fresh reads, cut to what the requester may see. */
  devices: DeviceReader;
  actions: ActionService;
  /** Mac recovery PINs; absent when Intune remote lock is not set up. */
  pins?: PinService;
  connector: ConnectorService;
  /** The Microsoft Graph side: what to grant, what is granted. */
  intune: IntuneConnection;
  /** Help desk and on-call channels, set from chat. */
  tenantSettings: TenantSettingsStore;
  /** Lost-device reports and the on-call roster. */
  lost: { desk: LostReportDesk; roster: OnCallRoster };
  /** Bulk runs: previews, approvals, the runner's store and its chat notifier. */
  bulk: BulkChat;
  /** Per-person and per-tenant allowance of turns and card verbs. */
  turnLimiter: TurnLimiter;
}
