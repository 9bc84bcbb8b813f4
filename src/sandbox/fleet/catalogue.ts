/** What a school district's ChromeOS fleet is made of: the raw material of the generator. */
import { Random } from './random';

export interface ModelSpec {
  model: string;
  /** Serial number shape of the maker. */
  serial: (r: Random) => string;
  board: string;
  /** Auto-update expiration, first day of that month (UTC). */
  aue: string;
  kioskOnly?: boolean;
  weight: number;
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const ALNUM = DIGITS + UPPER;
// Built from char codes so the result is a flat string: cheap to hash in the uniqueness sets.
const codes: number[] = [];
const chars = (r: Random, alphabet: string, n: number): string => {
  codes.length = n;
  for (let i = 0; i < n; i++) codes[i] = alphabet.charCodeAt(Math.floor(r.next() * alphabet.length));
  return String.fromCharCode.apply(null, codes);
};

// Serial shapes follow the makers' labels (HP 5CD…, Lenovo PF…, Acer NX…, Dell service tags).
const hp = (r: Random): string => `5CD${chars(r, DIGITS, 4)}${chars(r, UPPER, 3)}`;
const lenovo = (r: Random): string => `PF${chars(r, ALNUM, 6)}`;
const acer = (r: Random): string => `NX${chars(r, UPPER, 3)}AA${chars(r, DIGITS, 10)}${chars(r, ALNUM, 5)}`;
const dell = (r: Random): string => chars(r, ALNUM, 7);
const asus = (r: Random): string =>
  `${chars(r, UPPER, 1)}${chars(r, DIGITS, 1)}${chars(r, UPPER, 2)}CV${chars(r, ALNUM, 6)}`;

export const MODELS: ModelSpec[] = [
  { model: 'HP Chromebook 14 G7', serial: hp, board: 'dedede', aue: '2031-06', weight: 18 },
  { model: 'HP Chromebook x360 11 G4 EE', serial: hp, board: 'dedede', aue: '2030-06', weight: 10 },
  { model: 'Acer Chromebook Spin 714', serial: acer, board: 'brya', aue: '2032-06', weight: 8 },
  { model: 'Acer Chromebook 311', serial: acer, board: 'dedede', aue: '2031-06', weight: 8 },
  { model: 'Lenovo 300e Chromebook Gen 3', serial: lenovo, board: 'grunt', aue: '2029-06', weight: 16 },
  { model: 'Lenovo 100e Chromebook Gen 4', serial: lenovo, board: 'nissa', aue: '2033-06', weight: 10 },
  { model: 'Lenovo 300e Chromebook 2nd Gen', serial: lenovo, board: 'octopus', aue: '2024-06', weight: 5 },
  { model: 'Dell Chromebook 3110', serial: dell, board: 'dedede', aue: '2031-06', weight: 9 },
  { model: 'Dell Latitude 5430 Chromebook', serial: dell, board: 'brya', aue: '2032-06', weight: 4 },
  { model: 'ASUS Chromebook Flip CX5', serial: asus, board: 'volteer', aue: '2031-06', weight: 4 },
  { model: 'ASUS Chromebox 4', serial: asus, board: 'puff', aue: '2030-06', kioskOnly: true, weight: 1 },
  { model: 'HP Chromebase 21.5', serial: hp, board: 'puff', aue: '2029-06', kioskOnly: true, weight: 1 },
];

/** ChromeOS milestone → platform (build) major, as Google reports them in platformVersion. */
export const RELEASES: { milestone: number; build: number; chrome: string; weight: number }[] = [
  { milestone: 103, build: 14816, chrome: '103.0.5060.132', weight: 2 },
  { milestone: 108, build: 15183, chrome: '108.0.5359.172', weight: 2 },
  { milestone: 112, build: 15359, chrome: '112.0.5615.134', weight: 3 },
  { milestone: 114, build: 15437, chrome: '114.0.5735.350', weight: 6 },
  { milestone: 120, build: 15662, chrome: '120.0.6099.235', weight: 14 },
  { milestone: 126, build: 15886, chrome: '126.0.6478.222', weight: 20 },
  { milestone: 130, build: 16033, chrome: '130.0.6723.116', weight: 24 },
  { milestone: 132, build: 16093, chrome: '132.0.6834.164', weight: 28 },
];

export interface OrgUnitSpec {
  path: string;
  id: string;
  /** Prefix of asset tags there. */
  assetPrefix: string;
  locations: string[];
  kind: 'student' | 'staff' | 'kiosk';
  weight: number;
}

export const ORG_UNITS: OrgUnitSpec[] = [
  {
    path: '/Schools/North/Students',
    id: 'id:03ph8a2z1n0s7',
    assetPrefix: 'NTH',
    locations: ['North High · Cart A', 'North High · Cart B', 'North High · Room 12', 'North High · Room 27'],
    kind: 'student',
    weight: 30,
  },
  {
    path: '/Schools/North/Teachers',
    id: 'id:03ph8a2z1n0t2',
    assetPrefix: 'NTH',
    locations: ['North High · Staff room', 'North High · Room 12'],
    kind: 'staff',
    weight: 5,
  },
  {
    path: '/Schools/North/Library',
    id: 'id:03ph8a2z1n0l9',
    assetPrefix: 'NTH',
    locations: ['North High · Library'],
    kind: 'student',
    weight: 3,
  },
  {
    path: '/Schools/South/Students',
    id: 'id:03ph8a2z1s0s4',
    assetPrefix: 'STH',
    locations: ['South Middle · Cart 1', 'South Middle · Cart 2', 'South Middle · Room 4'],
    kind: 'student',
    weight: 30,
  },
  {
    path: '/Schools/South/Teachers',
    id: 'id:03ph8a2z1s0t8',
    assetPrefix: 'STH',
    locations: ['South Middle · Staff room'],
    kind: 'staff',
    weight: 5,
  },
  {
    path: '/Schools/South/Labs',
    id: 'id:03ph8a2z1s0b1',
    assetPrefix: 'STH',
    locations: ['South Middle · Lab B', 'South Middle · Lab C'],
    kind: 'student',
    weight: 8,
  },
  {
    path: '/Staff/IT',
    id: 'id:03ph8a2z1f0i3',
    assetPrefix: 'HQ',
    locations: ['District office · IT bench', 'District office · Spares shelf'],
    kind: 'staff',
    weight: 3,
  },
  {
    path: '/Staff/Office',
    id: 'id:03ph8a2z1f0o6',
    assetPrefix: 'HQ',
    locations: ['District office · 2nd floor'],
    kind: 'staff',
    weight: 6,
  },
  {
    path: '/Kiosks/Lobby',
    id: 'id:03ph8a2z1k0y5',
    assetPrefix: 'KSK',
    locations: ['North High · Lobby', 'South Middle · Lobby', 'District office · Reception'],
    kind: 'kiosk',
    weight: 2,
  },
  {
    path: '/Kiosks/Library',
    id: 'id:03ph8a2z1k0l7',
    assetPrefix: 'KSK',
    locations: ['North High · Library desk'],
    kind: 'kiosk',
    weight: 1,
  },
];

export const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Mateo',
  'Sofia',
  'Lucas',
  'Mia',
  'Ethan',
  'Amara',
  'Kenji',
  'Priya',
  'Diego',
  'Chloe',
  'Omar',
  'Hana',
  'Leo',
  'Zoe',
  'Arjun',
  'Isla',
  'Felix',
  'Nora',
  'Malik',
  'Ruby',
  'Sami',
  'Elena',
  'Theo',
  'Aisha',
  'Jonah',
  'Lena',
  'Caleb',
  'Yara',
  'Hugo',
  'Ines',
  'Tariq',
];
export const LAST_NAMES = [
  'Garcia',
  'Nguyen',
  'Smith',
  'Okafor',
  'Kowalski',
  'Patel',
  'Rossi',
  'Kim',
  'Johnson',
  'Silva',
  'Haddad',
  'Müller',
  'Brown',
  'Tanaka',
  'Lopez',
  'Ivanova',
  'Mensah',
  'Novak',
  'Walker',
  'Fischer',
  'Costa',
  'Ali',
  'Jensen',
  'Moreau',
  'Reyes',
  'Khan',
  'Baker',
  'Sato',
  'Wright',
  'Dubois',
];

export const NOTES = [
  'Loaner, check back in at the library desk',
  'Screen replaced under warranty',
  'Keyboard sticky, ticket open',
  'Battery swells, do not reissue',
  'Assigned for summer school',
  'Returned by family, awaiting inspection',
];

export const DEPROVISION_REASONS_SEEN = [
  'DEPROVISION_REASON_RETIRING_DEVICE',
  'DEPROVISION_REASON_SAME_MODEL_REPLACEMENT',
  'DEPROVISION_REASON_DIFFERENT_MODEL_REPLACEMENT',
];

export { chars, ALNUM, DIGITS, UPPER };
