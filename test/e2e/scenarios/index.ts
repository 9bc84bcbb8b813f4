import type { Scenario } from '../scenario';
import { help } from './help';
import { intuneActions } from './intune-actions';
import { lookup } from './lookup';
import { lostReport } from './lost-report';
import { lostMode } from './lost-mode';
import { rigSelfCheck } from './rig-self-check';

/** Run in this order; add new flows here. */
export const SCENARIOS: Scenario[] = [help, lookup, lostMode, lostReport, intuneActions, rigSelfCheck];
