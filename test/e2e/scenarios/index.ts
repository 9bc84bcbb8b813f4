import type { Scenario } from '../scenario';
import { help } from './help';
import { lookup } from './lookup';
import { rigSelfCheck } from './rig-self-check';

/** Run in this order; add new flows (device card, lost mode) here. */
export const SCENARIOS: Scenario[] = [help, lookup, rigSelfCheck];
