/**
 * Turns the requester's entries into the devices a run acts on, and says for every other entry
 * why not. Each entry must name exactly one device (by device id, serial or asset id, exactly);
 * blanks and repeats — the same text twice, or a serial and an asset id of one device — never
 * add a target. Access is decided for the requester on every device.
 */
import type { Decision, DeviceContext } from '../../access';
import { restartRule, type ChromeDevice, type RestartRule } from '../../directory';
import { fromChromeDevice, type Inventory, type InventoryDevice, type MatchKind } from '../../inventory';
import { isMacOs } from '../../intune';
import { DeskError } from '../../errors';
import type { DeviceAction } from '../catalogue';
import type { BulkTarget, SkippedEntry } from './types';

export interface Resolution {
  targets: BulkTarget[];
  skipped: SkippedEntry[];
  duplicates: number;
  blanks: number;
}

export interface ClassifyOptions {
  action: DeviceAction;
  /** The access decision for the requester on one device (AccessResolver.can with their access). */
  decide: (device: DeviceContext) => Decision;
  /** The devices were listed with what Google's restart rule reads (RESTART_FIELDS). */
  fullListing?: boolean;
}

/**
 * The single-device action's own refusal (e.g. a remote lock still pending): rejects with a
 * DeskError whose message says why; anything else rejects the whole preview.
 */
export type Precheck = (tenantId: string, deviceId: string, serialNumber: string) => Promise<void>;

export interface ResolveOptions extends ClassifyOptions {
  inventory: Inventory;
  tenantId: string;
  entries: string[];
  blanks: number;
  /** Look entries up only this way (a CSV column named it). */
  kind?: MatchKind;
  /** Lookups at once (default 16). */
  concurrency?: number;
  /** Asked for every device the run would act on; a refusal leaves the device out. */
  precheck?: Precheck;
}

export const MAC_WIPE_REFUSAL =
  "a Mac's wipe comes with a recovery PIN shown only to the requester: wipe Macs one at a time with `wipe <serial>`.";

export const MAC_LOCK_REFUSAL =
  'a Mac gets a recovery PIN shown only to the requester: lock Macs one at a time with `lock ‹serial›`.';

const EXACT_KINDS: MatchKind[] = ['id', 'serial', 'assetId'];
const KIND_LABEL: Partial<Record<MatchKind, string>> = { id: 'device id', serial: 'serial', assetId: 'asset id' };

function contextOf(d: InventoryDevice): DeviceContext {
  return { orgUnitPath: d.orgUnitPath, users: d.users };
}

const label = (status: string | undefined) => {
  const s = (status ?? 'unknown').toUpperCase();
  if (s === 'DISABLED') return 'Lost mode (disabled)';
  return s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ');
};

/** Whether the device may be acted on, or why not. */
export function classify(
  device: InventoryDevice,
  input: string,
  options: ClassifyOptions,
  /** Which of Google's restart rules applies, when the device was listed with what the rule reads. */
  restart?: RestartRule,
): { target: BulkTarget } | { skipped: SkippedEntry } {
  const { action } = options;
  if (device.source !== action.source) {
    const kind = action.source === 'chrome' ? 'a ChromeOS' : 'an Intune';
    return {
      skipped: {
        input,
        reason: 'wrong-state',
        detail: `${device.serialNumber} is not ${kind} device: wrong kind of device for ${action.label.toLowerCase()}.`,
      },
    };
  }
  // One PIN per Mac, for the requester's eyes only: a bulk card is no place for dozens of them.
  if (action.id === 'remoteLock' && isMacOs(device.platform)) {
    return {
      skipped: { input, reason: 'wrong-state', detail: `${device.serialNumber} is a Mac: ${MAC_LOCK_REFUSAL}` },
    };
  }
  if (action.id === 'intune.wipe' && isMacOs(device.platform)) {
    return {
      skipped: { input, reason: 'wrong-state', detail: `${device.serialNumber} is a Mac: ${MAC_WIPE_REFUSAL}` },
    };
  }
  const context = contextOf(device);
  const decision = options.decide(context);
  if (!decision.allowed) {
    const reason = decision.reason === 'out-of-scope' ? 'out-of-scope' : 'no-permission';
    return { skipped: { input, reason, detail: `${device.serialNumber}: ${decision.message}` } };
  }
  // Intune's platform rules need the device as Graph has it now: the precheck reads it fresh.
  if (action.graphAction) return { target: { deviceId: device.id, serialNumber: device.serialNumber, input, context } };
  const target = { source: device.source, status: device.status, osVersion: device.osVersion, restart };
  const fits = action.fits(target);
  // Kiosk restarts: the inventory does not keep what tells a kiosk apart, so Google decides at run
  // time; an org unit's listing does, and the rule is the device card's.
  const undecided = action.id === 'reboot' && !restart && (device.status ?? '').toUpperCase() === 'ACTIVE';
  if (!fits && !undecided) {
    const why = action.id === 'reboot' && restart ? action.whyNot(target) : undefined;
    return {
      skipped: {
        input,
        reason: 'wrong-state',
        detail: why
          ? `${device.serialNumber}: ${why}`
          : `${device.serialNumber} is ${label(device.status)}: ${action.label} does not apply.`,
      },
    };
  }
  return { target: { deviceId: device.id, serialNumber: device.serialNumber, input, context } };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Every device the entry names exactly, whichever way it names it. */
async function lookup(
  inventory: Inventory,
  tenantId: string,
  entry: string,
  kinds: MatchKind[],
): Promise<InventoryDevice[]> {
  const found = new Map<string, InventoryDevice>();
  for (const kind of kinds) {
    const r = await inventory.search(tenantId, entry, { kind, limit: 3 });
    for (const d of r.devices) found.set(d.id, d);
  }
  return [...found.values()];
}

export async function resolveEntries(options: ResolveOptions): Promise<Resolution> {
  const seenText = new Set<string>();
  const unique: string[] = [];
  let duplicates = 0;
  for (const raw of options.entries) {
    const key = raw.trim().toUpperCase();
    if (!key) continue;
    if (seenText.has(key)) duplicates++;
    else {
      seenText.add(key);
      unique.push(raw.trim());
    }
  }
  const kinds = options.kind ? [options.kind] : EXACT_KINDS;
  const matches = await mapLimit(unique, options.concurrency ?? 16, (e) =>
    lookup(options.inventory, options.tenantId, e, kinds),
  );

  const targets: BulkTarget[] = [];
  const skipped: SkippedEntry[] = [];
  const seenDevice = new Set<string>();
  unique.forEach((input, i) => {
    const devices = matches[i];
    if (devices.length === 0) {
      const how = options.kind ? KIND_LABEL[options.kind] : 'serial, asset id or device id';
      skipped.push({ input, reason: 'not-found', detail: `No device has the ${how} "${input}".` });
      return;
    }
    if (devices.length > 1) {
      const serials = [...new Set(devices.map((d) => d.serialNumber))].slice(0, 3).join(', ');
      skipped.push({
        input,
        reason: 'ambiguous',
        detail: `"${input}" names more than one device (${serials}…); give the serial number.`,
      });
      return;
    }
    const device = devices[0];
    if (seenDevice.has(device.id)) {
      duplicates++;
      return;
    }
    seenDevice.add(device.id);
    const c = classify(device, input, options);
    if ('target' in c) targets.push(c.target);
    else skipped.push(c.skipped);
  });
  if (!options.precheck) return { targets, skipped, duplicates, blanks: options.blanks };
  const { precheck, tenantId } = options;
  const refusals = await mapLimit(targets, options.concurrency ?? 16, async (t) => {
    try {
      await precheck(tenantId, t.deviceId, t.serialNumber);
      return undefined;
    } catch (error) {
      if (error instanceof DeskError) return error.userMessage;
      throw error;
    }
  });
  const kept: BulkTarget[] = [];
  targets.forEach((t, i) => {
    const why = refusals[i];
    if (why === undefined) kept.push(t);
    else skipped.push({ input: t.input, reason: 'wrong-state', detail: why });
  });
  return { targets: kept, skipped, duplicates, blanks: options.blanks };
}

/** Devices listed by org unit (from Google), classified the same way; each is named by its serial. */
export function resolveDevices(devices: ChromeDevice[], options: ClassifyOptions): Resolution {
  const targets: BulkTarget[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const d of devices) {
    if (seen.has(d.deviceId)) {
      duplicates++;
      continue;
    }
    seen.add(d.deviceId);
    const restart = options.action.id === 'reboot' && options.fullListing ? restartRule(d) : undefined;
    const c = classify(fromChromeDevice(d), d.serialNumber, options, restart);
    if ('target' in c) targets.push(c.target);
    else skipped.push(c.skipped);
  }
  return { targets, skipped, duplicates, blanks: 0 };
}
