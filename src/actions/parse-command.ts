/**
 * Reads an action typed as text: `lost mode on <device>`, `lost mode off <device>`,
 * `restart <device> [delay N | in N minutes]`, `wipe <device>`, `factory reset <device>`,
 * `deprovision <device> reason <same-model|different-model|retiring|upgrade>`.
 */
import type { DeprovisionReason } from '../directory';
import type { ActionId } from './catalogue';
import { MAX_REBOOT_DELAY_SECONDS } from './operations';
import type { ActionParams } from './types';

export interface ParsedAction {
  action: ActionId;
  /** What names the device: a serial, asset id, device id… */
  query: string;
  params: ActionParams;
}

export type ParseResult = { ok: true; value: ParsedAction } | { ok: false; message: string };

export const REASON_WORDS: Record<string, DeprovisionReason> = {
  'same-model': 'SAME_MODEL_REPLACEMENT',
  'different-model': 'DIFFERENT_MODEL_REPLACEMENT',
  retiring: 'RETIRING_DEVICE',
  upgrade: 'UPGRADE_TRANSFER',
};

/** A reason word alone at the end of a deprovision ("deprovision X retiring"): the words of REASON_WORDS. */
const REASON_AT_END = new RegExp(String.raw`\s+(${Object.keys(REASON_WORDS).join('|')})$`, 'i');

export const REASON_LABELS: Record<DeprovisionReason, string> = {
  SAME_MODEL_REPLACEMENT: 'Same-model replacement',
  DIFFERENT_MODEL_REPLACEMENT: 'Different-model replacement',
  RETIRING_DEVICE: 'Retiring device',
  UPGRADE_TRANSFER: 'Upgrade transfer',
};

// "lost mode", "lostmode", "lost-mode".
const LOST_MODE = String.raw`lost[\s-]*mode`;
const form = (pattern: string): RegExp => new RegExp(pattern.replace(/LOST_MODE/g, LOST_MODE), 'i');

const FORMS: Array<[RegExp, ActionId]> = [
  [
    form(String.raw`^(?:LOST_MODE\s+on|enable\s+LOST_MODE(?:\s+on)?|turn\s+on\s+LOST_MODE(?:\s+on|\s+for)?)\s+(.+)$`),
    'lostMode.on',
  ],
  [
    form(
      String.raw`^(?:LOST_MODE\s+off|disable\s+LOST_MODE(?:\s+on)?|turn\s+off\s+LOST_MODE(?:\s+on|\s+for)?)\s+(.+)$`,
    ),
    'lostMode.off',
  ],
  // "lost mode X on" / "lost mode X off": the switch said last.
  [form(String.raw`^LOST_MODE\s+(?!on\b|off\b)(.+?)\s+on$`), 'lostMode.on'],
  [form(String.raw`^LOST_MODE\s+(?!on\b|off\b)(.+?)\s+off$`), 'lostMode.off'],
  // "lost mode X" and "put X in lost mode" mean on: nobody types them to turn it off.
  [form(String.raw`^LOST_MODE\s+(?!on\b|off\b)(.+)$`), 'lostMode.on'],
  [form(String.raw`^put\s+(.+?)\s+(?:in|into)\s+LOST_MODE$`), 'lostMode.on'],
  [/^(?:restart|reboot)\s+(.+)$/i, 'reboot'],
  [/^(?:factory\s*reset|powerwash)\s+(.+)$/i, 'powerwash'],
  [/^wipe(?:\s+user\s+profiles|\s+users)?\s+(.+)$/i, 'wipeUsers'],
  // Before `retire`: "retire for good X" is the two-step retirement, "retire X" a deprovision.
  [/^retire\s+for\s+good\s+(.+)$/i, 'retireForGood'],
  [/^(?:deprovision|retire)\s+(.+)$/i, 'deprovision'],
  [/^(?:remote\s*lock|lock)\s+(.+)$/i, 'remoteLock'],
  // Intune only: sync, reset passcode, locate. Restart, wipe, retire and lost mode above take the
  // Intune action when the device turns out to be an Intune one.
  [/^sync(?:\s+device)?\s+(.+)$/i, 'intune.sync'],
  [/^(?:reset\s+(?:the\s+)?passcode(?:\s+(?:of|on|for))?|passcode\s+reset)\s+(.+)$/i, 'intune.resetPasscode'],
  [/^locate(?:\s+device)?\s+(.+?)\??$/i, 'intune.locate'],
];

/** Words that mean "erase" without saying how much: answered with the two choices, never guessed. */
const ERASE_WORDS = String.raw`erase|reset(?!\s+pass)|format|nuke|reimage|re-image`;
const ERASE = form(String.raw`^(?:${ERASE_WORDS})\b`);
const ERASE_HINT =
  'Which erase do you mean? `wipe ‹serial›` removes every user profile and keeps the device enrolled; `factory reset ‹serial›` erases everything on it. Both ask you to confirm first.';

/** The words an action command starts with, so the route can tell it apart from other text. */
export const ACTION_COMMAND = form(
  String.raw`^\s*(?:LOST_MODE|put\s+.+\s+in(?:to)?\s+LOST_MODE|(?:enable|disable)\s+LOST_MODE|turn\s+(?:on|off)\s+LOST_MODE|restart|reboot|factory\s*reset|powerwash|wipe|deprovision|retire|remote\s*lock|lock|sync|reset\s+passcode|passcode\s+reset|locate|${ERASE_WORDS})\b`,
);

/** "delay 60", "in 2 minutes", "after 30 s", "for 90 seconds": a restart's delay, in seconds or minutes. */
const DELAY =
  /\s+(?:with\s+)?(?:a\s+)?(?:delay(?:\s+of)?|after|in|for)\s+(\S+?)\s*(s|secs?|seconds?|m|mins?|minutes?)?$/i;

const USAGE: Record<ActionId, string> = {
  'lostMode.on': '`lost mode on ‹serial›`',
  'lostMode.off': '`lost mode off ‹serial›`',
  reboot: '`restart ‹serial› [in ‹0-300› seconds | in ‹1-5› minutes]`',
  wipeUsers: '`wipe ‹serial›`',
  powerwash: '`factory reset ‹serial›`',
  deprovision: '`deprovision ‹serial› reason ‹same-model|different-model|retiring|upgrade›`',
  retireForGood: '`retire for good ‹serial›`',
  remoteLock: '`lock ‹device›`',
  'intune.sync': '`sync ‹serial›`',
  'intune.restart': '`restart ‹serial›`',
  'intune.retire': '`retire ‹serial›`',
  'intune.wipe': '`wipe ‹serial›`',
  'intune.resetPasscode': '`reset passcode ‹serial›`',
  'intune.lostMode.on': '`lost mode on ‹serial›`',
  'intune.lostMode.off': '`lost mode off ‹serial›`',
  'intune.locate': '`locate ‹serial›`',
};

const usage = (action: ActionId): string => USAGE[action];

export function usageOf(action: ActionId): string {
  return usage(action);
}

export function parseActionCommand(text: string): ParseResult | undefined {
  const clean = text.trim().replace(/\s+/g, ' ');
  for (const [re, action] of FORMS) {
    const m = re.exec(clean);
    if (!m) continue;
    let rest = m[1].trim();
    const params: ActionParams = {};
    if (action === 'reboot') {
      // "restart X now" is a restart without a delay.
      rest = rest.replace(/(?:^|\s+)(?:right\s+)?(?:now|immediately)$/i, '');
      const d = DELAY.exec(rest);
      if (d) {
        const n = Number(d[1]) * (/^m/i.test(d[2] ?? '') ? 60 : 1);
        if (!Number.isInteger(n) || n < 0 || n > MAX_REBOOT_DELAY_SECONDS) {
          return {
            ok: false,
            message: `The restart delay must be a whole number of seconds from 0 to ${MAX_REBOOT_DELAY_SECONDS}. Usage: ${usage(action)}`,
          };
        }
        params.delaySeconds = n;
        rest = rest.slice(0, d.index).trim();
      }
    }
    if (action === 'deprovision') {
      // "reason retiring", "reason: retiring", or a reason word on its own at the end.
      const r = /\s+reason\s*:?\s*(\S+)$/i.exec(rest) ?? REASON_AT_END.exec(rest);
      if (r) {
        const reason = REASON_WORDS[r[1].toLowerCase()];
        if (!reason) return { ok: false, message: `"${r[1]}" is not a deprovision reason. Usage: ${usage(action)}` };
        params.reason = reason;
        rest = rest.slice(0, r.index).trim();
      }
    }
    const query = rest.replace(/^["'“‘]+|["'”’]+$/g, '').trim();
    if (!query) return { ok: false, message: `Which device? Usage: ${usage(action)}` };
    return { ok: true, value: { action, query, params } };
  }
  if (ERASE.test(clean)) return { ok: false, message: ERASE_HINT };
  // An action word with nothing after it: say how to use it rather than ignore it.
  if (ACTION_COMMAND.test(clean)) {
    const all = (['lostMode.on', 'reboot', 'wipeUsers', 'powerwash', 'deprovision'] as ActionId[])
      .map(usage)
      .join(', ');
    return { ok: false, message: `Which device? For example: ${all}.` };
  }
  return undefined;
}
