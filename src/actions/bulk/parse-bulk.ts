/**
 * Reads `bulk <action> <list>`: the action words and their parameters as the single-device
 * commands take them (`reason retiring`, `delay 60`), then a list of serials, asset ids or
 * device ids separated by spaces, commas, semicolons or new lines, or `ou:/Some/Org/Unit`.
 */
import { normaliseOrgUnitPath } from '../../access';
import type { ActionId } from '../catalogue';
import { parseActionCommand } from '../parse-command';
import type { ActionParams } from '../types';

export const BULK_COMMAND = /^\s*bulk\b/i;

/** Stands in for the list while the action words are parsed (the list may come in a file). */
const PLACEHOLDER = '\u2063list\u2063';

export interface BulkEntries {
  /** Non-blank entries, in order, duplicates included (they are counted, never acted on twice). */
  entries: string[];
  blanks: number;
}

export interface ParsedBulk {
  action: ActionId;
  params: ActionParams;
  /** Entries typed after the action (may be empty when a file comes with the message). */
  list: BulkEntries;
  /** `ou:/Schools/North`: every device in the org unit and below. */
  orgUnit?: string;
}

export type BulkParseResult = { ok: true; value: ParsedBulk } | { ok: false; message: string };

export const BULK_USAGE =
  '`bulk ‹action› ‹serials, asset ids or device ids›` (separated by spaces, commas or new lines), `bulk ‹action› ou:/Org/Unit`, or `bulk ‹action›` with a CSV file attached. Actions: lost mode on, lost mode off, restart [in ‹N› minutes], wipe, factory reset, deprovision … reason ‹same-model|different-model|retiring|upgrade›, lock (Intune iPhones, iPads and Android devices; Macs one at a time); for Intune devices also sync, restart, retire, wipe (Macs one at a time) and lost mode on/off.';

/** Teams sends some messages as HTML: line breaks become new lines, other tags go. */
export function plainText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/**
 * Splits a pasted list. Commas, semicolons, tabs and new lines end a cell; a cell with spaces
 * holds several entries. Empty cells are counted as blanks; nothing else is dropped.
 */
export function splitEntries(text: string): BulkEntries {
  const entries: string[] = [];
  let blanks = 0;
  const cells = text.split(/[,;\t\r\n]/);
  // A trailing separator is no blank entry.
  if (cells.length > 1 && cells[cells.length - 1].trim() === '') cells.pop();
  for (const cell of cells) {
    const parts = cell
      .split(/\s+/)
      .map((p) => p.replace(/^["'“‘]+|["'”’]+$/g, '').trim())
      .filter(Boolean);
    if (parts.length === 0) blanks++;
    else entries.push(...parts);
  }
  return { entries, blanks };
}

export function parseBulkCommand(text: string): BulkParseResult | undefined {
  const m = BULK_COMMAND.exec(text);
  if (!m) return undefined;
  let body = text.slice(m[0].length);
  // Parameters may stand anywhere; the single-device parser wants them last.
  let suffix = '';
  const reason = /(?:^|\s)reason\s+(\S+)/i.exec(body);
  if (reason) {
    suffix += ` reason ${reason[1]}`;
    body = body.slice(0, reason.index) + ' ' + body.slice(reason.index + reason[0].length);
  }
  const delay =
    /(?:^|\s)(?:delay|after)\s+(\S+?)(?:\s*(s|secs?|seconds?|m|mins?|minutes?))?(?=\s|$)/i.exec(body) ??
    /(?:^|\s)(?:in|for)\s+(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?)(?=\s|$)/i.exec(body);
  if (delay) {
    suffix += ` delay ${delay[1]} ${delay[2] ?? 's'}`;
    body = body.slice(0, delay.index) + ' ' + body.slice(delay.index + delay[0].length);
  }
  const firstLine = body.replace(/^[\s]+/, '');
  // The action words are on the first line, before the list; the list may span lines.
  const words = /^[^\n,;\t]*/.exec(firstLine)?.[0] ?? '';
  const parsed = parseActionCommand(`${words.replace(/\s+/g, ' ').trim()} ${PLACEHOLDER}${suffix}`);
  if (!parsed) return { ok: false, message: `Which action? Usage: ${BULK_USAGE}` };
  if (!parsed.ok) return { ok: false, message: parsed.message };
  const { action, params } = parsed.value;
  const typed = parsed.value.query.split(PLACEHOLDER)[0].trim();
  // The line break right after the action words separates, it is no blank entry.
  const after = firstLine.slice(words.length);
  const listText = typed ? `${typed}${after}` : after.replace(/^[ \t]*\r?\n/, '');
  const list = splitEntries(listText);
  const ou = list.entries.find((e) => /^ou:/i.test(e));
  if (ou) {
    if (list.entries.length > 1)
      return { ok: false, message: 'Give either one org unit (`ou:/Schools/North`) or a list of devices, not both.' };
    // Org units are Google's: Intune devices are named by serial.
    if (action === 'remoteLock')
      return {
        ok: false,
        message: 'Intune devices are not in org units: give their serial numbers (or attach a CSV file) instead.',
      };
    const path = ou.slice(3).trim();
    if (!path.startsWith('/'))
      return { ok: false, message: 'An org unit is a path from the top, such as `ou:/Schools/North`.' };
    return {
      ok: true,
      value: { action, params, list: { entries: [], blanks: 0 }, orgUnit: normaliseOrgUnitPath(path) },
    };
  }
  return { ok: true, value: { action, params, list } };
}
