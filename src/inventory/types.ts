/** The synced device inventory: every device the bot can find, from Google and from Intune. */

export type DeviceSource = 'chrome' | 'intune';

export interface InventoryDevice {
  /** Google deviceId or Intune managedDevice id: unique within a tenant. */
  id: string;
  source: DeviceSource;
  serialNumber: string;
  /** Device name as its console shows it (Intune), or model (ChromeOS). */
  name?: string;
  model?: string;
  status?: string;
  /** e.g. ChromeOS, iOS, iPadOS, macOS, Android */
  platform?: string;
  osVersion?: string;
  assetId?: string;
  location?: string;
  orgUnitPath?: string;
  /** Lower-cased emails/UPNs of everyone the device is assigned to or recently used by. */
  users: string[];
  lastSync?: string;
  /** Sync generation that last saw the device: older ones are removed after a full sync. */
  syncGeneration?: number;
}

export type MatchKind = 'id' | 'serial' | 'serialPrefix' | 'assetId' | 'user' | 'location' | 'text';

export interface SearchFilter {
  /** Only devices assigned to one of these users (end users see their own devices). */
  users?: string[];
  /** Only devices within these org-unit paths or their children (scoped roles). */
  orgUnits?: string[];
}

/**
 * Matches are counted up to here. An exact count of a broad query costs a pass over every match
 * (44 ms for two common words over a million devices in Redis; 4 ms to count to 1,000, under
 * 1 ms to 200), and past a couple of hundred a person narrows the query rather than pages on.
 */
export const COUNT_LIMIT = 200;

export interface SearchResult {
  /** How the query matched, first kind that found anything wins. */
  matchedBy?: MatchKind;
  /** Number of matching devices after the filter, even beyond `limit`, counted up to COUNT_LIMIT. */
  total: number;
  /** More than `total` (COUNT_LIMIT) devices match: counting stopped there. */
  more?: true;
  devices: InventoryDevice[];
}

export interface Inventory {
  upsertMany(tenantId: string, devices: InventoryDevice[]): Promise<void>;
  get(tenantId: string, id: string): Promise<InventoryDevice | undefined>;
  /**
   * Looks a free-form query up in order: device id, exact serial, serial prefix (≥ 3 chars),
   * asset id, user email, location, then free text over all fields.
   */
  search(
    tenantId: string,
    query: string,
    options?: { limit?: number; filter?: SearchFilter; kind?: MatchKind },
  ): Promise<SearchResult>;
  /** Removes devices of a source not seen since `generation` (end of a full sync). */
  removeStale(tenantId: string, source: DeviceSource, generation: number): Promise<number>;
  /** Removes every device of a source (deleting the connection). */
  removeAll(tenantId: string, source: DeviceSource): Promise<number>;
  count(tenantId: string, source?: DeviceSource): Promise<number>;
}
