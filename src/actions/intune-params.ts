/**
 * What an Intune wipe or lost mode asks of the requester: the wipe options that apply to the
 * device's platform (https://learn.microsoft.com/intune/device-management/actions/wipe) and the
 * text lost mode shows on the lock screen. Defaults at request time, the card's inputs at confirm.
 */
import type { ActionId } from './catalogue';
import type { ActionParams, WipeChoices } from './types';

/** Input ids on the confirmation card. */
export const WIPE_INPUTS: Record<keyof Omit<WipeChoices, 'macRecoveryPin'>, string> = {
  keepEnrollmentData: 'wipeKeepEnrollmentData',
  keepUserData: 'wipeKeepUserData',
  persistEsimDataPlan: 'wipePersistEsimDataPlan',
};
export const LOST_MODE_INPUTS = { message: 'lostModeMessage', phoneNumber: 'lostModePhone', footer: 'lostModeFooter' };

export const DEFAULT_LOST_MODE_MESSAGE = 'This device is lost. Please call the number below to return it.';
const MAX_MESSAGE = 200;
const PHONE = /^\+?[0-9 ()./-]{3,32}$/;

/** The options Intune offers for the platform, off unless Intune's own default is on. */
export function wipeChoicesFor(platform: string | undefined): WipeChoices {
  const os = (platform ?? '').trim().toLowerCase();
  // Windows: "Wipe device, but keep enrollment state and associated user account" and the provisioning data.
  if (os.startsWith('windows')) return { keepEnrollmentData: false, keepUserData: false };
  // iOS/iPadOS eSIM: "the cellular data plan is preserved by default".
  if (os === 'ios' || os === 'ipados') return { persistEsimDataPlan: true };
  // macOS: "Enter a 6-digit Recovery PIN" (needed on Macs without a T2 chip).
  if (/^mac\s*os|^osx$/.test(os)) return { macRecoveryPin: true };
  return {};
}

export function defaultParams(action: ActionId, device: { platform?: string }): ActionParams {
  if (action === 'intune.wipe') return { wipe: wipeChoicesFor(device.platform) };
  if (action === 'intune.lostMode.on') return { lostMode: { message: DEFAULT_LOST_MODE_MESSAGE } };
  return {};
}

/** An Input.Toggle's value ("true"/"false"); anything else keeps what was there. */
function toggle(value: unknown, current: boolean): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return current;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/[\r\n\t]+/g, ' ').trim() : undefined;
}

/**
 * The requester's choices from the card, only for options that apply (an option the platform does
 * not offer can't be slipped in). A string is what is wrong with them.
 */
export function applyCardInputs(
  action: ActionId,
  params: ActionParams,
  inputs: Record<string, unknown>,
): Partial<ActionParams> | string {
  if (action === 'intune.wipe' && params.wipe) {
    const wipe: WipeChoices = { ...params.wipe };
    for (const [key, id] of Object.entries(WIPE_INPUTS) as [keyof typeof WIPE_INPUTS, string][])
      if (wipe[key] !== undefined) wipe[key] = toggle(inputs[id], wipe[key] as boolean);
    return { wipe };
  }
  if (action === 'intune.lostMode.on') {
    const given = params.lostMode ?? { message: DEFAULT_LOST_MODE_MESSAGE };
    const message = text(inputs[LOST_MODE_INPUTS.message]) ?? given.message;
    const phoneNumber = text(inputs[LOST_MODE_INPUTS.phoneNumber]) ?? given.phoneNumber ?? '';
    const footer = text(inputs[LOST_MODE_INPUTS.footer]) ?? given.footer ?? '';
    if (!message && !phoneNumber) return 'Lost mode needs a message or a phone number to show on the lock screen.';
    if (message.length > MAX_MESSAGE || footer.length > MAX_MESSAGE)
      return `The message and the footer can each be at most ${MAX_MESSAGE} characters.`;
    if (phoneNumber && !PHONE.test(phoneNumber))
      return 'That phone number has characters a phone number does not have. Use digits, spaces and + ( ) - . /';
    return {
      lostMode: { message, ...(phoneNumber ? { phoneNumber } : {}), ...(footer ? { footer } : {}) },
    };
  }
  return {};
}
