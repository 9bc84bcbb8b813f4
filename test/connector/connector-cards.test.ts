import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  connectorDeleteConfirmCard,
  connectorSetupCard,
  connectorStatusCard,
  duration,
  exactTime,
  relativeTime,
} from '../../bot/cards/connector-cards';
import type { Connection } from '../../src/connector';
import { validateCard } from '../support/card-validator';
import { cardText } from '../support/connector';

const NOW = Date.parse('2026-01-05T09:00:00Z');
const view = { sandbox: false };
const active: Connection = {
  tenantId: 't',
  connectedAccount: 'admin@school.example',
  connectedBy: 'alexw@example.com',
  connectedAt: '2026-01-01T08:00:00.000Z',
  state: 'Active',
  lastCheckIn: '2026-01-05T08:57:00.000Z',
  lastFullSync: {
    startedAt: '2026-01-05T08:55:00.000Z',
    finishedAt: '2026-01-05T08:57:00.000Z',
    devices: 12345,
    removed: 3,
    durationMs: 125_000,
  },
  devicesSynced: 12345,
  generation: 4,
};
const facts = (card: any) =>
  Object.fromEntries(card.body.find((b: any) => b.type === 'FactSet').facts.map((f: any) => [f.title, f.value]));

describe('connector cards', () => {
  it.each(['connector-setup.json', 'connector-status.json', 'connector-delete-confirm.json'])(
    '%s is a well-formed 1.5 template',
    (name) => {
      const template = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cards', name), 'utf8'));
      expect(template.version).toBe('1.5');
      expect(validateCard(template, { template: true })).toEqual([]);
    },
  );

  it('status card: every fact, in words and exact times', () => {
    const card = connectorStatusCard(active, NOW, view);
    expect(validateCard(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect(facts(card)).toEqual({
      'Last check-in': '3 minutes ago (2026-01-05 08:57:00 UTC)',
      'Chrome devices synced': '12,345',
      'Connected account': 'admin@school.example',
      'Connected by': 'alexw@example.com',
      Connected: '4 days ago (2026-01-01 08:00:00 UTC)',
      'Last full sync': '2 min 5 s for 12,345 devices, 3 removed, finished 3 minutes ago',
    });
    expect(cardText(card)).not.toContain('Sandbox');
    const withChanges = connectorStatusCard(
      {
        ...active,
        lastIncrementalSync: {
          startedAt: '2026-01-05T08:58:00.000Z',
          finishedAt: '2026-01-05T08:58:01.000Z',
          devices: 1234,
          durationMs: 1000,
        },
      },
      NOW,
      view,
    );
    expect(validateCard(withChanges)).toEqual([]);
    expect(facts(withChanges)['Last changes sync']).toBe('1,234 changed devices read, finished 2 minutes ago');
  });

  it('status card: Error shows the reason, Syncing says since when, none says how to connect', () => {
    const error = connectorStatusCard({ ...active, state: 'Error', error: 'The sync stopped: quota exceeded.' }, NOW, {
      sandbox: true,
    });
    expect(validateCard(error)).toEqual([]);
    expect(cardText(error)).toContain('The sync stopped: quota exceeded.');
    expect(cardText(error)).toContain('Sandbox');
    const syncing = connectorStatusCard(
      { ...active, state: 'Syncing', syncStartedAt: '2026-01-05T08:58:00.000Z', lastFullSync: undefined },
      NOW,
      view,
    );
    expect(cardText(syncing)).toContain('A full sync is running, started 2 minutes ago.');
    expect(facts(syncing)['Last full sync']).toBe('not completed yet');
    const none = connectorStatusCard(undefined, NOW, view);
    expect(validateCard(none)).toEqual([]);
    expect(cardText(none)).toContain('Not connected');
    expect(none.body.some((b: any) => b.type === 'FactSet')).toBe(false);
  });

  it('setup card numbers its steps and warns when the key has no client id', () => {
    const card = connectorSetupCard({ scopes: ['a', 'b', 'c'], account: 'admin@x' }, view);
    expect(validateCard(card)).toEqual([]);
    expect(cardText(card)).toContain('no client_id');
    expect(facts(card)['OAuth scopes']).toBe('a,b,c');
  });

  it('delete confirmation card carries the id on both buttons, and data is not evaluated as template', () => {
    const card = connectorDeleteConfirmCard(
      {
        id: 'c-1',
        tenantId: 't',
        requesterTeamsId: 'u',
        requesterName: 'Eve ${evil}',
        createdAt: NOW,
        expiresAt: NOW + 300_000,
        devices: 1500,
      },
      'admin@x',
      view,
    );
    // The validator reads a literal "${" as a leftover expression, so only the actions are checked here.
    expect(validateCard({ ...card, body: [] })).toEqual([]);
    expect((card as any).actions.map((a: any) => [a.verb, a.data.confirmationId])).toEqual([
      ['connector.delete.confirm', 'c-1'],
      ['connector.delete.cancel', 'c-1'],
    ]);
    expect(cardText(card)).toContain('Only Eve ${evil} can confirm, once, until 2026-01-05 09:05:00 UTC.');
    expect(cardText(card)).toContain('**1,500**');
  });

  it('formats times for people', () => {
    expect(relativeTime(NOW - 10_000, NOW)).toBe('just now');
    expect(relativeTime(NOW - 60_000, NOW)).toBe('1 minute ago');
    expect(relativeTime(NOW - 3 * 3_600_000, NOW)).toBe('3 hours ago');
    expect(relativeTime(NOW - 2 * 86_400_000, NOW)).toBe('2 days ago');
    expect(exactTime(NOW)).toBe('2026-01-05 09:00:00 UTC');
    expect(duration(850)).toBe('850 ms');
    expect(duration(12_300)).toBe('12.3 s');
  });
});
