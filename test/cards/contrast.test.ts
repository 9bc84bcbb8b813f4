/**
 * Readable in every Teams theme. Teams draws each container style (good, attention, warning,
 * accent) with its own background in light, dark and high contrast, and gives each a default text
 * colour that is readable on it; a coloured text on a coloured band is the one pairing no theme
 * promises (red on pale red fails WCAG AA in the light theme). So: a coloured band carries
 * default text, and coloured text sits on the card's own background. Yellow text is never used.
 */
import { statusCardData } from '../../bot/actions-view';
import { actionStatusCard } from '../../bot/cards/action-status-card';
import { deviceCard, type DeviceCardData } from '../../bot/cards/device-card';
import { lostReportCard } from '../../bot/cards/lost-cards';
import { messageCard, type MessageTone } from '../../bot/cards/message-card';
import { statusBadge } from '../../bot/lookup-view';
import { reportCardData } from '../../bot/lost-view';
import { REQUEST_STATES } from '../../src/actions';
import type { LostReport } from '../../src/lost';
import { actionRequest } from '../actions/store-contract';
import { sampleReport } from '../lost/report-store-contract';

const view = { sandbox: true };
const PLAIN_STYLES = [undefined, 'default', 'emphasis'];

/** Every text with a colour of its own inside a coloured band, and every yellow text, by where it is. */
function unreadable(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, band: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, band));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const style =
      typeof n.style === 'string' && n.type !== 'TextBlock' && !n.type?.toString().startsWith('Action')
        ? n.style.toLowerCase()
        : undefined;
    const here = style && !PLAIN_STYLES.includes(style) ? style : style ? undefined : band;
    const color = typeof n.color === 'string' ? n.color.toLowerCase() : 'default';
    if ((n.type === 'TextBlock' || n.type === 'TextRun') && color !== 'default') {
      if (here) found.push(`${color} text "${String(n.text)}" on a ${here} band`);
      if (color === 'warning') found.push(`yellow text "${String(n.text)}"`);
    }
    for (const value of Object.values(n)) walk(value, here);
  };
  walk(card, undefined);
  return found;
}

const device: DeviceCardData = {
  deviceId: 'dev-1',
  title: 'HP Chromebook 14 G7',
  subtitle: 'ChromeOS · Google Admin',
  status: statusBadge('ACTIVE'),
  facts: [{ title: 'Serial', value: '5CD1234ABC' }],
  buttons: [],
  readNote: '',
};

const STATUSES = [
  'ACTIVE',
  'DISABLED',
  'DEPROVISIONED',
  'INACTIVE',
  'RETURN_REQUESTED',
  'COMPLIANT',
  'NONCOMPLIANT',
  'IN_GRACE_PERIOD',
  'RETIRE_PENDING',
  'WIPE_PENDING',
  'SOMETHING_NEW',
];
const TONES: MessageTone[] = ['info', 'success', 'warning', 'error'];

function reportIn(state: LostReport['state'], resolution?: LostReport['resolution']): LostReport {
  const report = sampleReport('LR-ABCD', {});
  return { ...report, state, resolution, resolvedAt: resolution ? report.createdAt : undefined };
}

describe('cards stay readable in every theme', () => {
  it('the check finds red text on a red band, and yellow text anywhere', () => {
    const card = {
      type: 'Container',
      style: 'attention',
      items: [{ type: 'TextBlock', text: 'Open', color: 'Attention' }],
    };
    expect(unreadable(card)).toEqual(['attention text "Open" on a attention band']);
    expect(unreadable({ type: 'TextBlock', text: 'Careful', color: 'Warning' })).toEqual(['yellow text "Careful"']);
    expect(
      unreadable({ type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: 'ok', color: 'Good' }] }),
    ).toEqual([]);
  });

  it.each(STATUSES)('device card with status %s', (status) => {
    expect(unreadable(deviceCard({ ...device, status: statusBadge(status) }, view))).toEqual([]);
  });

  it.each(REQUEST_STATES)('action status card in state %s', (state) => {
    const r = actionRequest('DD-ABC234', Date.parse('2026-01-01T00:00:00Z'), { state, error: 'It failed.' });
    expect(unreadable(actionStatusCard(statusCardData(r, 'Restart'), view))).toEqual([]);
  });

  it.each([
    ['open', undefined],
    ['acknowledged', undefined],
    ['actioned', undefined],
    ['resolved', 'found'],
    ['resolved', 'replaced'],
  ] as const)('lost report card %s %s', (state, resolution) => {
    expect(unreadable(lostReportCard(reportCardData(reportIn(state, resolution), 15), view))).toEqual([]);
  });

  it.each(TONES)('message card, %s', (tone) => {
    expect(unreadable(messageCard({ title: 'Title', text: 'Words.', tone }, view))).toEqual([]);
  });
});
