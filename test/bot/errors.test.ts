import { TestAdapter } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { registerErrorHandler } from '../../bot/errors';
import { DeviceNotFound } from '../../src/errors';
import { DeskMetrics } from '../../src/telemetry';
import { cardText } from '../support/connector';
import { captureLogger } from '../support/logs';

/** The error handler alone: what a person sees and what the log keeps when a turn fails. */
function botThatFails() {
  const logs = captureLogger();
  const metrics = new DeskMetrics();
  // The adapter catches what a turn throws and hands it to the Application's error handler.
  const adapter = new TestAdapter(async (ctx) => {
    await app.run(ctx);
  });
  const app = new Application<TurnState>({
    adapter,
    startTypingTimer: false,
    longRunningMessages: false,
    removeRecipientMention: false,
  } as never);
  registerErrorHandler(app, { logger: logs.logger, metrics, view: { sandbox: true } } as never);
  app.message('internal', async () => {
    throw new Error('connection to 10.0.0.5 refused, password=hunter2');
  });
  app.message('known', async () => {
    throw new DeviceNotFound('No device with serial 5CD123 is synced. Check the serial, or run `connector sync`.');
  });
  return { adapter, logs, metrics };
}

const cardOfActivity = (a: any) => a.attachments?.[0]?.content;

describe('turn errors', () => {
  it('answers an internal error with an apology and a reference, never the error itself', async () => {
    const { adapter, logs, metrics } = botThatFails();
    let reply: any;
    await adapter.send({ type: 'message', text: 'internal', id: 'activity-42' } as never).assertReply((a) => {
      reply = a;
    });
    const text = cardText(cardOfActivity(reply));
    expect(text).toContain('Sorry, something went wrong on my side');
    expect(text).toContain('Nothing was changed on any device');
    expect(text).toContain('Reference: activity-42');
    expect(JSON.stringify(reply)).not.toMatch(/hunter2|10\.0\.0\.5|at .*\.ts/);
    const line = logs.lines.find((l) => l.msg === 'turn failed');
    expect(line).toMatchObject({ activityId: 'activity-42', level: 50 });
    expect((await metrics.turnErrors.get()).values.find((v) => v.labels.kind === 'internal')?.value).toBe(1);
  });

  it('answers a known error with its own friendly message', async () => {
    const { adapter, logs } = botThatFails();
    let reply: any;
    await adapter.send({ type: 'message', text: 'known', id: 'activity-7' } as never).assertReply((a) => {
      reply = a;
    });
    const text = cardText(cardOfActivity(reply));
    expect(text).toContain('I could not do that');
    expect(text).toContain('No device with serial 5CD123 is synced');
    expect(logs.lines.find((l) => l.code === 'DEVICE_NOT_FOUND')).toMatchObject({ activityId: 'activity-7' });
  });
});
