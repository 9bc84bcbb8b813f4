/** Reads "I lost my laptop", "my chromebook was stolen", `report lost` out of a message. */

export type DeviceHint = 'chromebook' | 'phone' | 'tablet' | 'mac' | 'computer';

export interface LostIntent {
  kind: 'lost' | 'stolen';
  /** The kind of device named, to pre-select a matching one. */
  hint?: DeviceHint;
}

const COMMAND = /^\s*report\s+(?:a\s+|my\s+)?(lost|stolen|missing)\b/i;
// `lost mode on …` is an action on a device, never a report.
const LOST_MODE = /\blost[\s-]*mode\b/i;
const STOLEN = /\b(?:stolen|stole|theft|robbed|snatched)\b/i;
const LOST = /\b(?:lost|misplaced|missing|can'?t\s+find|cannot\s+find|can\s+not\s+find)\b/i;
const OWNED = /\b(?:my|our)\b/i;

const HINTS: Array<[RegExp, DeviceHint]> = [
  [/\bchrome\s*books?\b/i, 'chromebook'],
  [/\b(?:i?phones?|mobile|android|cell)\b/i, 'phone'],
  [/\b(?:tablets?|ipads?)\b/i, 'tablet'],
  [/\b(?:macs?|macbooks?|imacs?)\b/i, 'mac'],
  [/\b(?:laptops?|computers?|notebooks?|pcs?)\b/i, 'computer'],
];
const DEVICE =
  /\b(?:devices?|chrome\s*books?|laptops?|computers?|notebooks?|pcs?|i?phones?|mobile|tablets?|ipads?|macs?|macbooks?)\b/i;

export function parseLostIntent(message: string): LostIntent | undefined {
  const text = message.trim();
  if (!text || LOST_MODE.test(text)) return undefined;
  const hint = HINTS.find(([re]) => re.test(text))?.[1];
  const command = COMMAND.exec(text);
  if (command) return { kind: command[1].toLowerCase() === 'stolen' ? 'stolen' : 'lost', ...(hint ? { hint } : {}) };
  const stolen = STOLEN.test(text);
  if (!stolen && !LOST.test(text)) return undefined;
  // "lost" alone is too vague ("I lost the thread"): it must be about one's own or a device.
  if (!OWNED.test(text) && !DEVICE.test(text)) return undefined;
  return { kind: stolen ? 'stolen' : 'lost', ...(hint ? { hint } : {}) };
}

/** Does a device look like the kind named? Platform for Intune devices, model otherwise. */
export function matchesHint(
  hint: DeviceHint,
  device: { platform?: string; model?: string; name?: string; source: string },
): boolean {
  const platform = (device.platform ?? '').toLowerCase();
  const model = `${device.model ?? ''} ${device.name ?? ''}`.toLowerCase();
  switch (hint) {
    case 'chromebook':
      return device.source === 'chrome';
    case 'phone':
      return platform === 'ios' || platform === 'android' || /phone/.test(model);
    case 'tablet':
      return platform === 'ipados' || /ipad|tablet/.test(model);
    case 'mac':
      return platform === 'macos' || /mac/.test(model);
    case 'computer':
      return device.source === 'chrome' || platform === 'macos' || platform === 'windows';
  }
}
