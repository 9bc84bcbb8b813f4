/**
 * `pin <device>`: reads a Mac's recovery PIN back for holders of Remote tasks/Remote lock, in a
 * personal chat only (a channel would show it to everyone). `pin <device> used` says the Mac was
 * unlocked, so that it may be locked again. The PIN service checks and audits.
 */
import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { ActionRequest, PinMark, PinRead } from '../src/actions';
import {
  intunePinCard,
  PIN_NOTE,
  pinFooter,
  messageCard,
  warningCard,
  type AdaptiveCard,
  type CardView,
} from './cards';
import type { BotDeps } from './deps';
import { devicesMatch, utcTime } from './lookup-view';
import { quote, replyWithCard } from './reply';
import { isPersonal, messageText, textMatches } from './turn';

export type PinDeps = Pick<BotDeps, 'identity' | 'view' | 'pins'>;

const PIN_COMMAND = /^\s*pin\s+(.+?)(\s+used)?\s*$/i;
const iso = (ms: number) => new Date(ms).toISOString();

const PASSCODE_NOTE =
  'Only you can see this passcode. Give it to the user of the device only after checking who they are. Intune also shows it in its admin center for seven days; Device Desk does not keep it.';
const WIPE_PIN_NOTE =
  'Only you can see this PIN. A Mac without a T2 chip asks for it to reinstall macOS after the wipe: give it only to whoever sets the Mac up again.';

/** The requester's view right after a Mac lock (or a passcode reset, or a Mac wipe): the secret with its request. */
export function pinCardFor(r: ActionRequest, pin: string, now: number, view: CardView): AdaptiveCard {
  const facts = [
    { title: 'Device', value: r.device.model ?? r.device.serialNumber },
    { title: 'Serial', value: r.device.serialNumber },
    { title: 'Requested by', value: r.requester.name },
  ];
  if (r.action === 'intune.resetPasscode')
    return intunePinCard(
      {
        title: `New passcode: ${r.device.serialNumber}`,
        subtitle: `Request ${r.id} · ${r.state}`,
        pin,
        pinLabel: 'New passcode',
        facts,
        note: PASSCODE_NOTE,
        footer: `\`status ${r.id}\` shows how the reset goes; the passcode is not shown again here.`,
      },
      view,
    );
  if (r.action === 'intune.wipe')
    return intunePinCard(
      {
        title:
          r.state === 'AwaitingApproval'
            ? `Wipe waiting for approval: ${r.device.serialNumber}`
            : `Wipe sent: ${r.device.serialNumber}`,
        subtitle: `Request ${r.id} · ${r.state}`,
        pin,
        facts,
        note: WIPE_PIN_NOTE,
        footer: pinFooter(r.device.serialNumber, utcTime(iso(now + 30 * 86_400_000))),
      },
      view,
    );
  return intunePinCard(
    {
      title: `Remote lock sent: ${r.device.serialNumber}`,
      subtitle: `Request ${r.id} · ${r.state}`,
      pin,
      facts: [
        { title: 'Device', value: r.device.model ?? r.device.serialNumber },
        { title: 'Serial', value: r.device.serialNumber },
        { title: 'Locked by', value: r.requester.name },
      ],
      note: PIN_NOTE,
      footer: pinFooter(r.device.serialNumber, utcTime(iso(now + 30 * 86_400_000))),
    },
    view,
  );
}

function readCard(query: string, result: PinRead | PinMark, view: CardView): AdaptiveCard {
  if (result.kind === 'not-one')
    return warningCard(
      result.total ? `${devicesMatch(result)} "${quote(query)}"` : `No device found for "${quote(query)}"`,
      'Give the full serial number of exactly one Mac: `pin ‹serial›`.',
      view,
    );
  const serial = result.device.serialNumber;
  if (result.kind === 'none')
    return warningCard(
      `No recovery PIN kept for ${serial}`,
      'No lock PIN was issued for it in the last 30 days (PINs are kept 30 days), or the device is not a Mac.',
      view,
    );
  if (result.kind === 'marked')
    return messageCard(
      {
        title: `PIN of ${serial} marked as used`,
        text: 'The Mac can be locked again; a new lock gets a new PIN.',
        tone: 'success',
      },
      view,
    );
  const { device, record } = result;
  return intunePinCard(
    {
      title: `Recovery PIN: ${serial}`,
      subtitle: `${device.name ?? device.model ?? 'Mac'} · ${device.users[0] ?? 'no user'}`,
      pin: result.pin,
      facts: [
        { title: 'Locked by', value: record.issuedTo.name },
        { title: 'Locked at', value: utcTime(iso(record.issuedAt)) },
        { title: 'Request', value: record.requestId },
        ...(record.usedAt ? [{ title: 'Marked used', value: utcTime(iso(record.usedAt)) }] : []),
      ],
      note: PIN_NOTE,
      footer: pinFooter(serial, utcTime(iso(record.expiresAt))),
    },
    view,
  );
}

async function answerPin(ctx: TurnContext, deps: PinDeps): Promise<AdaptiveCard> {
  const m = PIN_COMMAND.exec(messageText(ctx));
  const query = (m?.[1] ?? '').replace(/^["'“‘]+|["'”’]+$/g, '').trim();
  const markUsed = !!m?.[2];
  if (!deps.pins)
    return warningCard('No recovery PINs here', 'Remote lock of Intune devices is not set up on this bot.', deps.view);
  if (!markUsed && !isPersonal(ctx))
    return warningCard(
      'Ask me in a personal chat',
      'I show recovery PINs only in a personal chat with me, where nobody else can read them.',
      deps.view,
    );
  const requester = await deps.identity.requester(ctx);
  const result = markUsed ? await deps.pins.markUsed(requester, query) : await deps.pins.read(requester, query);
  if (markUsed && result.kind === 'none')
    return warningCard(
      `No recovery PIN kept for ${result.device.serialNumber}`,
      'There is nothing to mark: no lock PIN was issued for it in the last 30 days.',
      deps.view,
    );
  return readCard(query, result, deps.view);
}

export function registerPin(app: Application<TurnState>, deps: PinDeps): void {
  app.message(textMatches(/^\s*pin\s*[?.!]*\s*$/i), async (ctx) => {
    await replyWithCard(
      ctx,
      warningCard(
        'Which Mac?',
        'Type `pin ‹serial›` for the recovery PIN of a Mac locked through Device Desk in the last 30 days, in a personal chat; `pin ‹serial› used` once it has been used.',
        deps.view,
      ),
    );
  });
  app.message(textMatches(PIN_COMMAND), async (ctx) => {
    await replyWithCard(ctx, await answerPin(ctx, deps));
  });
}
