import { confirmCardData, statusCardData } from '../../bot/actions-view';
import { actionStatusCard } from '../../bot/cards/action-status-card';
import { confirmCard } from '../../bot/cards/confirm-card';
import { createActionCatalogue, findAction, type DeviceAction } from '../../src/actions/catalogue';
import { ManualClock } from '../../src/clock';
import { validateCard } from '../support/card-validator';
import { cardText } from '../support/connector';
import { actionRequest, confirmation } from './store-contract';
import confirmTemplate from '../../cards/confirm.json';
import statusTemplate from '../../cards/action-status.json';

const catalogue = createActionCatalogue();
const action = (id: string) => findAction(catalogue, id) as DeviceAction;
const clock = new ManualClock();

describe('confirmation card', () => {
  it('templates are valid as written', () => {
    expect(validateCard(confirmTemplate, { template: true })).toEqual([]);
    expect(validateCard(statusTemplate, { template: true })).toEqual([]);
  });

  it('the requester’s view: impact, warnings, buttons and a refresh only for them', () => {
    const c = confirmation('c-1234-5678', clock, { action: 'powerwash' });
    const card = confirmCard(confirmCardData(c, action('powerwash'), true, true), { sandbox: true });
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('erased');
    expect(text).toContain('re-enrols');
    expect(text).toContain('Sandbox');
    expect(card.actions).toEqual([
      expect.objectContaining({
        verb: 'action.confirm',
        style: 'destructive',
        data: { confirmationId: 'c-1234-5678' },
      }),
      expect.objectContaining({ verb: 'action.cancel' }),
    ]);
    expect(card.refresh).toMatchObject({ userIds: ['user-id-1'], action: { verb: 'action.view' } });
  });

  it('everyone else’s view has no buttons', () => {
    const c = confirmation('c-1234-5678', clock, { action: 'deprovision' });
    const card = confirmCard(confirmCardData(c, action('deprovision'), false, true), { sandbox: false });
    expect(validateCard(card)).toEqual([]);
    expect(card.actions ?? []).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('Input.ChoiceSet');
    expect(cardText(card)).toContain('Waiting for Megan Bowen');
  });

  it('deprovision asks for one of the four reasons', () => {
    const c = confirmation('c-1234-5678', clock, { action: 'deprovision' });
    const card = confirmCard(confirmCardData(c, action('deprovision'), true, false), { sandbox: false });
    expect(validateCard(card)).toEqual([]);
    const input = card.body.find((b: any) => b.type === 'Input.ChoiceSet') as any;
    expect(input.choices.map((x: any) => x.value)).toEqual([
      'SAME_MODEL_REPLACEMENT',
      'DIFFERENT_MODEL_REPLACEMENT',
      'RETIRING_DEVICE',
      'UPGRADE_TRANSFER',
    ]);
    expect(card.refresh).toBeUndefined();
  });
});

describe('status card', () => {
  it('shows the state, the steps and Google’s error', () => {
    const r = actionRequest('DD-ABC234', clock.now(), {
      state: 'Failed',
      commandId: '7310000001',
      error: 'Device lost its network connection while executing the command.',
      history: [
        { state: 'Pending', at: clock.now() },
        { state: 'Sent', at: clock.now() + 3000 },
        { state: 'Failed', at: clock.now() + 9000 },
      ],
    });
    const card = actionStatusCard(statusCardData(r, 'Restart'), { sandbox: true });
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    for (const s of ['Restart', 'DD-ABC234', 'Failed', 'network connection', '7310000001', 'Pending', 'Sent', '30 s'])
      expect(text).toContain(s);
  });
});
