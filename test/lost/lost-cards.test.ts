import { lostFiledCard, lostPickCard, lostReportCard } from '../../bot/cards/lost-cards';
import { reportCardData } from '../../bot/lost-view';
import type { LostReport } from '../../src/lost';
import { cardText } from '../support/connector';
import { validateCard } from '../support/card-validator';
import { sampleReport } from './report-store-contract';

const sandbox = { sandbox: true };

describe('lost-device cards', () => {
  const open: LostReport = sampleReport('LR-ABCD', {
    lastSeen: 'yesterday',
    where: 'train',
    device: {
      id: 'dev-x',
      source: 'chrome',
      serialNumber: '5CD9',
      model: 'HP Chromebook 14',
      users: [],
      status: 'ACTIVE',
    },
  });

  it('the help desk card of an open report offers acknowledge, resolve and open device', () => {
    const card = lostReportCard(reportCardData(open, 15), sandbox);
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Lost device · LR-ABCD');
    expect(text).toContain('HP Chromebook 14 5CD9');
    expect(text).toContain('after 15 min without an acknowledgement');
    expect((card.actions as any[]).map((a) => [a.title, a.verb, a.data])).toEqual([
      ['Acknowledge', 'lost.acknowledge', { reportId: 'LR-ABCD', resolution: '', action: '', deviceId: 'dev-x' }],
      ['Resolve: found', 'lost.resolve', { reportId: 'LR-ABCD', resolution: 'found', action: '', deviceId: 'dev-x' }],
      [
        'Resolve: replaced',
        'lost.resolve',
        { reportId: 'LR-ABCD', resolution: 'replaced', action: '', deviceId: 'dev-x' },
      ],
      ['Open device', 'lost.openDevice', { reportId: 'LR-ABCD', deviceId: 'dev-x' }],
    ]);
    // No refresh: teams-ai would make every click replace the card for everyone.
    expect(card.refresh).toBeUndefined();
  });

  it('a resolved report keeps only Open device', () => {
    const resolved = {
      ...open,
      state: 'resolved' as const,
      resolution: 'replaced' as const,
      resolvedBy: { teamsId: 'm', name: 'Megan Bowen' },
      resolvedAt: open.createdAt,
    };
    const card = lostReportCard(reportCardData(resolved, 15), { sandbox: false });
    expect(validateCard(card)).toEqual([]);
    expect(cardText(card)).toContain('Resolved: replaced');
    expect((card.actions as any[]).map((a) => a.title)).toEqual(['Open device']);
    expect(cardText(card)).not.toContain('Sandbox');
  });

  it('the pick and filed cards are valid with and without optional parts', () => {
    const pick = lostPickCard(
      {
        title: 'Which?',
        text: 't',
        choices: [{ title: 'HP · 5CD1', value: 'd1' }],
        selected: 'd1',
        kind: 'stolen',
        footer: 'f',
      },
      sandbox,
    );
    expect(validateCard(pick)).toEqual([]);
    expect(JSON.stringify(pick)).toContain('"value":"d1"');
    const filed = lostFiledCard(
      {
        title: 'Reported: LR-ABCD',
        text: 't',
        color: 'Good',
        facts: [{ title: 'Report', value: 'LR-ABCD' }],
        steps: ['a', 'b'],
        deviceId: 'd1',
        buttons: [{ action: 'lostMode.on', title: 'Put it in lost mode now' }],
        footer: '',
      },
      sandbox,
    );
    expect(validateCard(filed)).toEqual([]);
    expect((filed.actions as any[])[0]).toMatchObject({
      verb: 'action.request',
      data: { action: 'lostMode.on', deviceId: 'd1' },
    });
    const bare = lostFiledCard(
      { title: 'x', text: 't', color: 'Default', facts: [], steps: [], deviceId: 'd1', buttons: [], footer: '' },
      sandbox,
    );
    expect(validateCard(bare)).toEqual([]);
  });
});
