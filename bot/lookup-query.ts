import type { MatchKind } from '../src/inventory';

/** What a person asked to find, read out of their message. */
export interface FindRequest {
  /** The search text (may carry an inventory prefix such as `serial:`). */
  query: string;
  /** Set when the phrasing says what the text is (user, asset, location, device id). */
  kind?: MatchKind;
  /** Rows skipped: a later page of the same search. */
  offset?: number;
  /** "my devices": the requester's own devices, whoever they are (the query is filled in later). */
  mine?: boolean;
}

// Nothing but punctuation ("find *") holds no word to search for.
const SEARCHABLE = /[\p{L}\p{N}]/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// A serial or asset tag typed on its own: one word of letters, digits and dashes with a digit in it.
const SERIAL_LIKE = /^(?=[a-z0-9-]*\d)[a-z0-9][a-z0-9-]{3,39}$/i;

/** Leading verbs that make a message a lookup; the rest is what to look for. */
const VERBS = /^(?:please\s+)?(?:find|lookup|look\s+up|search(?:\s+for)?|locate|show\s+me|where\s+is|where's)\s+(.*)$/i;
const SHOW_DEVICES = /^(?:please\s+)?show\s+((?:devices?|chromebooks?)\s+.*)$/i;
const WHO_HAS = /^who\s+(?:has|owns|uses)\s+(.*)$/i;

/** "devices of jane@x", "asset A-1", "room 12"…: the phrase before the value says what it is. */
const KIND_PHRASES: Array<[RegExp, MatchKind | 'serial']> = [
  [
    /^(?:the\s+)?(?:devices?|chromebooks?|laptops?)\s+(?:of|for|owned\s+by|assigned\s+to|used\s+by|belonging\s+to)\s+(.+)$/i,
    'user',
  ],
  [/^(?:the\s+)?(?:devices?|chromebooks?|laptops?)\s+(?:in|at)\s+(.+)$/i, 'location'],
  [/^(?:the\s+)?(?:device|chromebook|laptop)\s+with\s+(?:serial(?:\s+number)?|s\/n)\s+(.+)$/i, 'serial'],
  [/^(?:the\s+)?(?:device|chromebook|laptop)\s+with\s+asset(?:\s+(?:id|tag))?\s+(.+)$/i, 'assetId'],
  [/^(?:asset(?:\s+(?:id|tag))?|asset_id)\s*[:#]?\s*(.+)$/i, 'assetId'],
  [/^(?:serial(?:\s+number)?|s\/n)\s*[:#]?\s*(.+)$/i, 'serial'],
  [/^(?:user|owner)\s*:?\s+(.+)$/i, 'user'],
  [/^(?:device\s+id|deviceid)\s*[:#]?\s*(.+)$/i, 'id'],
  [/^(?:location|room)\s*:\s*(.+)$/i, 'location'],
];

/** "my devices", "show me my laptops", "what devices do I have": what is assigned to the person asking. */
const MY_DEVICES = [
  /^(?:(?:please\s+)?(?:find|show(?:\s+me)?|list|see|view|get)\s+)?(?:all\s+)?my\s+(?:own\s+)?(?:devices?|chromebooks?|laptops?|computers?|phones?|tablets?|macs?)$/i,
  /^(?:what|which)\s+(?:devices?|chromebooks?|laptops?|computers?)\s+(?:do\s+i\s+have|are\s+mine|have\s+i\s+got)$/i,
];

const FILLER = /^(?:me\s+)?(?:(?:the|my|a)\s+)?(?:(?:devices?|chromebooks?|laptops?)\s+)?/i;

function clean(text: string): string {
  return text
    .trim()
    .replace(/[?!.]+$/, '')
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .trim();
}

function classify(rest: string): FindRequest | undefined {
  let text = clean(rest);
  for (const [re, kind] of KIND_PHRASES) {
    const m = re.exec(text);
    if (!m) continue;
    const value = clean(m[1]);
    if (!value) return undefined;
    // "serial X" keeps the inventory's own order: exact serial first, then prefix.
    if (kind === 'serial') return { query: `serial:${value}` };
    return { query: value, kind };
  }
  text = clean(text.replace(FILLER, ''));
  return text ? { query: SEARCHABLE.test(text) ? text : '' } : undefined;
}

/**
 * Reads a lookup out of a message: `find <anything>`, natural phrasings ("show me 5CD12",
 * "who has asset A-1234", "devices in room 12"), or a serial, asset tag or email on its own.
 * Returns undefined when the message is not a lookup, and `{query: ''}` for a bare "find".
 */
export function parseFind(message: string): FindRequest | undefined {
  const text = message.trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  if (/^(?:find|lookup|look\s+up|search|who\s+(?:has|owns|uses)\s*\??)$/i.test(text)) return { query: '' };
  if (MY_DEVICES.some((re) => re.test(clean(text)))) return { query: '', mine: true };

  const who = WHO_HAS.exec(text);
  if (who) {
    const rest = clean(who[1]);
    const asset =
      /^(?:the\s+)?(?:asset(?:\s+(?:id|tag))?|device\s+with\s+asset(?:\s+(?:id|tag))?)\s*[:#]?\s*(.+)$/i.exec(rest);
    if (asset) return { query: clean(asset[1]), kind: 'assetId' };
    return classify(rest);
  }

  const verb = VERBS.exec(text) ?? SHOW_DEVICES.exec(text);
  if (verb) return classify(verb[1]) ?? { query: '' };

  // "devices of jane@contoso.com" without a verb reads the same.
  if (/^(?:devices?|chromebooks?)\s+(?:of|for|owned\s+by|assigned\s+to|in|at)\s+/i.test(text)) return classify(text);

  const single = clean(text);
  if (EMAIL.test(single) || SERIAL_LIKE.test(single)) return { query: single };
  return undefined;
}

/**
 * "my devices" as a search: the devices whose user is the requester (their UPN, else their email).
 * Without either there is nothing to search for, and the query stays empty.
 */
export function withRequester(request: FindRequest, requester: { upn?: string; email?: string }): FindRequest {
  if (!request.mine) return request;
  const who = requester.upn || requester.email;
  return who ? { ...request, query: who, kind: 'user' } : request;
}

/** "5CD1 9KGH6, HQ-0042": two or more serial-like words and nothing else, or undefined. */
export function severalSerials(query: string): string[] | undefined {
  const words = query.split(/[\s,;]+/).filter(Boolean);
  return words.length > 1 && words.every((w) => SERIAL_LIKE.test(w)) ? words : undefined;
}
