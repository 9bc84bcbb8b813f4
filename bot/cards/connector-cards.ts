import deleteTemplate from '../../cards/connector-delete-confirm.json';
import setupTemplate from '../../cards/connector-setup.json';
import statusTemplate from '../../cards/connector-status.json';
import type { Connection, DeleteConfirmation } from '../../src/connector';
import { markup } from './markdown';
import { AdaptiveCard, CardView, expandCard } from './render';

/** "3 minutes ago" — coarse on purpose: people read it at a glance. */
export function relativeTime(thenMs: number, nowMs: number): string {
  const s = Math.round((nowMs - thenMs) / 1000);
  if (s < 0) return 'just now';
  if (s < 45) return 'just now';
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (s < 90 * 60) return unit(Math.max(1, Math.round(s / 60)), 'minute');
  if (s < 36 * 3600) return unit(Math.round(s / 3600), 'hour');
  return unit(Math.round(s / 86400), 'day');
}

/** An exact time everyone reads the same way, whatever their time zone. */
export function exactTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export interface SetupCardData {
  clientId?: string;
  scopes: string[];
  account: string;
}

export function connectorSetupCard(data: SetupCardData, view: CardView): AdaptiveCard {
  const clientId = data.clientId ?? '(not in the key file)';
  const steps = [
    'Sign in to the Google Admin console (admin.google.com) as a super admin.',
    'Go to Security > Access and data control > API controls, and select Manage Domain Wide Delegation.',
    'Select Add new and paste the Client ID below.',
    `Paste the ${data.scopes.length} OAuth scopes below, separated by commas, then select Authorize.`,
    markup`Back here, type **connector connect**: Device Desk checks the credentials and starts the first sync.`,
  ].map((text, i) => ({ number: String(i + 1), text }));
  return expandCard(
    setupTemplate,
    { steps, clientId, scopesText: data.scopes.join(','), account: data.account, clientIdMissing: !data.clientId },
    view,
  );
}

const STATE: Record<Connection['state'], { label: string; color: string }> = {
  Syncing: { label: 'Syncing', color: 'Accent' },
  Active: { label: 'Active', color: 'Good' },
  Error: { label: 'Error', color: 'Attention' },
};

const when = (iso: string | undefined, now: number) => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? 'never' : `${relativeTime(ms, now)} (${exactTime(ms)})`;
};

/** The connection's status; `undefined` shows "Not connected" with how to connect. */
export function connectorStatusCard(
  connection: Connection | undefined,
  now: number,
  view: CardView,
  hint = '',
): AdaptiveCard {
  if (!connection) {
    return expandCard(
      statusTemplate,
      {
        stateLabel: 'Not connected',
        stateColor: 'Attention',
        reason: 'This organisation has no Chrome Enterprise connection, so no ChromeOS devices are synced.',
        connected: false,
        hint:
          hint ||
          markup`Type **connector setup** to see what to authorise in Google Admin, then **connector connect**.`,
      },
      view,
    );
  }
  const state = STATE[connection.state];
  const last = connection.lastFullSync;
  const changes = connection.lastIncrementalSync;
  return expandCard(
    statusTemplate,
    {
      stateLabel: state.label,
      stateColor: state.color,
      reason:
        connection.state === 'Error'
          ? (connection.error ?? 'The last sync failed.')
          : connection.state === 'Syncing'
            ? `A full sync is running${connection.syncStartedAt ? `, started ${relativeTime(Date.parse(connection.syncStartedAt), now)}` : ''}.`
            : '',
      connected: true,
      lastCheckIn: when(connection.lastCheckIn, now),
      devicesSynced: connection.devicesSynced.toLocaleString('en-US'),
      connectedAccount: connection.connectedAccount,
      connectedBy: connection.connectedBy,
      connectedAt: when(connection.connectedAt, now),
      lastFullSync: last
        ? `${duration(last.durationMs)} for ${last.devices.toLocaleString('en-US')} devices${last.removed ? `, ${last.removed.toLocaleString('en-US')} removed` : ''}, finished ${relativeTime(Date.parse(last.finishedAt), now)}`
        : 'not completed yet',
      lastChangesSync: changes
        ? `${changes.devices.toLocaleString('en-US')} changed devices read, finished ${relativeTime(Date.parse(changes.finishedAt), now)}`
        : '',
      hint,
    },
    view,
  );
}

export function connectorDeleteConfirmCard(
  confirmation: DeleteConfirmation,
  connectedAccount: string,
  view: CardView,
): AdaptiveCard {
  return expandCard(
    deleteTemplate,
    {
      confirmationId: confirmation.id,
      devices: confirmation.devices.toLocaleString('en-US'),
      connectedAccount,
      requesterName: confirmation.requesterName,
      expiresAt: exactTime(confirmation.expiresAt),
    },
    view,
  );
}
