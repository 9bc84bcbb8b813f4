import type { Scenario } from '../scenario';
import {
  channelApprovalByTyping,
  composeBoxSearch,
  confirmationExpires,
  deviceCardFollowsAction,
  foundTurnsLostModeOff,
  listPaging,
} from './first-hour';
import { readableInEveryTheme } from './contrast';
import { firstWords, help } from './help';
import { intuneActions } from './intune-actions';
import { lookup } from './lookup';
import { lostReport } from './lost-report';
import { lostMode } from './lost-mode';
import { rigSelfCheck } from './rig-self-check';

/** Run in this order; add new flows here. */
export const SCENARIOS: Scenario[] = [
  help,
  firstWords,
  lookup,
  listPaging,
  composeBoxSearch,
  lostMode,
  readableInEveryTheme,
  deviceCardFollowsAction,
  confirmationExpires,
  lostReport,
  foundTurnsLostModeOff,
  channelApprovalByTyping,
  intuneActions,
  rigSelfCheck,
];
