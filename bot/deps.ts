import type { AccessResolver } from '../src/access';
import type { ActionServices } from '../src/actions';
import type { AuditTrail } from '../src/audit';
import type { Clock } from '../src/clock';
import type { Config } from '../src/config';
import type { ConnectorService } from '../src/connector';
import type { DeviceDirectory } from '../src/directory/types';
import type { ManagedDeviceDirectory } from '../src/intune';
import type { Inventory } from '../src/inventory/types';
import type { Logger } from '../src/log';
import type { LostReportService, OnCallRoster } from '../src/lost';
import type { Metrics } from '../src/metrics';
import type { TenantSettingsStore } from '../src/store/tenant-settings';
import type { BulkChat } from './bulk';
import type { CardView } from './cards/render';
import type { Guard } from './guard';
import type { IdentityService } from './identity';

/** What the chat layer is given by src/index.ts; feature modules take only what they use. */
export interface BotDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  view: CardView;
  clock: Clock;
  identity: IdentityService;
  guard: Guard;
  access: AccessResolver;
  audit: AuditTrail;
  directory: DeviceDirectory;
  /** Intune's managed devices through Graph; absent when no Graph app is configured. */
  managedDevices?: ManagedDeviceDirectory;
  inventory: Inventory;
  actions: ActionServices;
  connector: ConnectorService;
  /** Help desk and on-call channels, set from chat. */
  tenantSettings: TenantSettingsStore;
  /** Lost-device reports and the on-call roster. */
  lost: { reports: LostReportService; roster: OnCallRoster };
  /** Bulk runs: previews, approvals, the runner's store and its chat notifier. */
  bulk: BulkChat;
}
