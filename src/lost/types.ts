/** Lost-device reports: what an end user filed and everything that happened to it since. */
import type { ConversationReference } from 'botbuilder';
import type { DeviceSource } from '../inventory';

/** open → acknowledged (by whom) → actioned (lost mode, lock, wipe…) → resolved (found / replaced). */
export const LOST_STATES = ['open', 'acknowledged', 'actioned', 'resolved'] as const;
export type LostState = (typeof LOST_STATES)[number];

export const RESOLUTIONS = ['found', 'replaced'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export function isResolution(value: unknown): value is Resolution {
  return typeof value === 'string' && (RESOLUTIONS as readonly string[]).includes(value);
}

/** A person as reports keep them: enough to name, mention and audit them. */
export interface PersonRef {
  teamsId: string;
  aadObjectId?: string;
  name: string;
  upn?: string;
}

/** The device as it was when reported, with what the permission checks need (org unit, users). */
export interface ReportedDevice {
  id: string;
  source: DeviceSource;
  serialNumber: string;
  model?: string;
  orgUnitPath?: string;
  /** Lower-cased emails/UPNs the device belongs to. */
  users: string[];
  /** Google status when reported, e.g. ACTIVE or DISABLED (already in lost mode). */
  status?: string;
}

/** A card the bot posted and keeps up to date. */
export interface PostedCard {
  conversation: Partial<ConversationReference>;
  activityId: string;
}

export interface ReportEvent {
  at: number;
  /** What happened, as people read it: "Reported by Adele Vance", "Acknowledged by Megan Bowen". */
  text: string;
}

export interface ReportedAction {
  /** Catalogue action id, e.g. lostMode.on. */
  action: string;
  label: string;
  /** The action request that carried it out (DD-…). */
  requestId: string;
  by: PersonRef;
  /** The reporter did it themselves (self-service policy). */
  selfService: boolean;
  at: number;
}

export interface LostReport {
  /** LR- and four characters people can read out over the phone. */
  id: string;
  tenantId: string;
  device: ReportedDevice;
  reporter: PersonRef;
  /** Lost, or stolen (theft may need a police report; the help desk wants to know). */
  kind: 'lost' | 'stolen';
  /** The reporter's own words: when they last had it, and where. */
  lastSeen?: string;
  where?: string;
  state: LostState;
  resolution?: Resolution;
  acknowledgedBy?: PersonRef;
  acknowledgedAt?: number;
  actions: ReportedAction[];
  resolvedBy?: PersonRef;
  resolvedAt?: number;
  /** People who reported the same device while this report was open (merged into it); they get the updates too. */
  alsoReportedBy: Array<PersonRef & { conversation?: Partial<ConversationReference> }>;
  escalatedAt?: number;
  /** Name of the on-call person paged, if the roster had one. */
  escalatedTo?: string;
  createdAt: number;
  updatedAt: number;
  /** Bumped on every save: concurrent changes (two clicks, two instances) can't overwrite each other. */
  version: number;
  history: ReportEvent[];
  /** Where the reporter talked to the bot: their updates go there. */
  reporterConversation?: Partial<ConversationReference>;
  helpdeskCard?: PostedCard;
  escalationCard?: PostedCard;
}

export function isResolved(r: LostReport): boolean {
  return r.state === 'resolved';
}
