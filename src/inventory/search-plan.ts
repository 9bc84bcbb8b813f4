import { normalizeKey, tokenize } from './indexing';
import type { MatchKind } from './types';

/**
 * One lookup a search tries. Location is two steps (exact, then contains) reported as one kind.
 */
export type SearchStep =
  'id' | 'serial' | 'serialPrefix' | 'assetId' | 'user' | 'locationExact' | 'locationContains' | 'text';

export const STEP_KIND: Record<SearchStep, MatchKind> = {
  id: 'id',
  serial: 'serial',
  serialPrefix: 'serialPrefix',
  assetId: 'assetId',
  user: 'user',
  locationExact: 'location',
  locationContains: 'location',
  text: 'text',
};

/** The order of precedence: the first step that finds anything (after the filter) wins. */
export const ALL_STEPS: readonly SearchStep[] = [
  'id',
  'serial',
  'serialPrefix',
  'assetId',
  'user',
  'locationExact',
  'locationContains',
  'text',
];

/** Shorter serial prefixes or location fragments would match a large part of any fleet. */
/** Precedence of match kinds, as a search tries them. */
export const MATCH_KIND_ORDER: readonly MatchKind[] = [...new Set(ALL_STEPS.map((s) => STEP_KIND[s]))];

export const MIN_PARTIAL_LENGTH = 3;

const KIND_STEPS: Record<MatchKind, SearchStep[]> = {
  id: ['id'],
  serial: ['serial'],
  serialPrefix: ['serialPrefix'],
  assetId: ['assetId'],
  user: ['user'],
  location: ['locationExact', 'locationContains'],
  text: ['text'],
};

/** Explicit prefixes a person (or the chat layer) may type to force how a query is read. */
const PREFIX_STEPS: Record<string, SearchStep[]> = {
  id: ['id'],
  serial: ['serial', 'serialPrefix'],
  asset: ['assetId'],
  asset_id: ['assetId'],
  user: ['user'],
  location: ['locationExact', 'locationContains'],
};

const PREFIX_RE = /^(id|serial|asset_id|asset|user|location)\s*:\s*(.*)$/is;

export interface SearchPlan {
  /** The query as typed, prefix removed and trimmed: device ids compare exactly. */
  raw: string;
  /** normalizeKey(raw): what serial, asset id, user and location compare. */
  key: string;
  tokens: string[];
  steps: SearchStep[];
}

/**
 * Works out which lookups to try. `kind` (from the caller) wins over a typed prefix; a typed
 * prefix is stripped either way, so `user:ana@x.org` with kind 'user' still finds Ana's devices.
 */
export function planSearch(query: string, kind?: MatchKind): SearchPlan {
  let raw = query.trim();
  let steps: SearchStep[] = [...ALL_STEPS];
  const prefixed = PREFIX_RE.exec(raw);
  if (prefixed) {
    raw = prefixed[2].trim();
    steps = PREFIX_STEPS[prefixed[1].toLowerCase()];
  }
  if (kind) steps = KIND_STEPS[kind];
  const key = normalizeKey(raw);
  if (key.length < MIN_PARTIAL_LENGTH) steps = steps.filter((s) => s !== 'serialPrefix' && s !== 'locationContains');
  if (raw.length === 0) steps = [];
  return { raw, key, tokens: [...new Set(tokenize(raw).map((t) => PLATFORM_WORDS[t] ?? t))], steps };
}

/**
 * Words people use for a platform, as the platform's own word that every device of it is indexed
 * under (`macOS` → "macos"), or plurals as the word of the models. "iphone", "ipad", "android",
 * "windows", "chromebook" and "macbook" already are words of the devices' models or platforms.
 */
const PLATFORM_WORDS: Record<string, string> = {
  mac: 'macos',
  macs: 'macos',
  osx: 'macos',
  chromebooks: 'chromebook',
  chrome: 'chromeos',
  iphones: 'iphone',
  ipads: 'ipad',
  win: 'windows',
};
