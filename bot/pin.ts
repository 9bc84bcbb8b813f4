/**
 * `pin <device>`: reads a Mac's recovery PIN back for holders of Remote tasks/Remote lock, in a
 * personal chat only (a channel would show it to everyone). `pin <device> used` says the Mac was
 * unlocked, so that it may be locked again. Reads are audited, never with the PIN.
 */
import { Application, TurnState } from '@microsoft/teams-ai';
import type { ActionRequest } from '../src/actions/types';
import { auditActor } from './identity';
import { intunePinCard, PIN_NOTE, pinFooter } from './cards/intune-pin-card';
import { messageCard } from './cards/message-card';
import type { AdaptiveCard, CardView } from './cards/render';
import type { BotDeps } from './deps';
import { searchAsRequester } from './lookup-search';
import { utcTime } from './lookup-view';
import { messageText, quote, replyWithCard } from './reply';

export type PinDeps = Pick<BotDeps, 'identity' | 'guard' | 'inventory' | 'audit' | 'clock' | 'view' | 'actions'>;

const PIN_COMMAND = /^\s*pin\s+(.+?)(\s+used)?\s*$/i;
const iso = (ms: number) => new Date(ms).toISOString();

/** The requester's view right after a Mac lock: the PIN with the request it belongs to. */
export function pinCardFor(r: ActionRequest, pin: string, now: number, view: CardView): AdaptiveCard {
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

export function registerPin(app: Application<TurnState>, deps: PinDeps): void {
  const refusal = (title: string, text: string) => messageCard({ title, text, tone: 'warning' }, deps.view);

  app.message(PIN_COMMAND, async (ctx) => {
    const m = PIN_COMMAND.exec(messageText(ctx));
    if (!m) return;
    const query = m[1].replace(/^["'“‘]+|["'”’]+$/g, '').trim();
    const markUsed = !!m[2];
    const requester = await deps.identity.requester(ctx);
    const vault = deps.actions.pins;
    if (!vault) {
      await replyWithCard(
        ctx,
        refusal('No recovery PINs here', 'Remote lock of Intune devices is not set up on this bot.'),
      );
      return;
    }
    if (!markUsed && ctx.activity.conversation?.conversationType !== 'personal') {
      await replyWithCard(
        ctx,
        refusal(
          'Ask me in a personal chat',
          'I show recovery PINs only in a personal chat with me, where nobody else can read them.',
        ),
      );
      return;
    }
    const found = await searchAsRequester(deps.inventory, requester, query, { limit: 5 });
    const device = found.total === 1 ? found.devices[0] : undefined;
    if (!device) {
      await replyWithCard(
        ctx,
        refusal(
          found.total ? `${found.total} devices match "${quote(query)}"` : `No device found for "${quote(query)}"`,
          'Give the full serial number of exactly one Mac: `pin <serial>`.',
        ),
      );
      return;
    }
    const target = { kind: 'device' as const, id: device.id, label: device.serialNumber };
    await deps.guard.authorize(
      requester,
      'Remote tasks/Remote lock',
      markUsed ? 'remoteLock.pin.used' : 'remoteLock.pin.read',
      { users: device.users, orgUnitPath: device.orgUnitPath, target },
    );

    const audit = (step: string, extra: Record<string, unknown> = {}, requestId?: string) =>
      deps.audit.append({
        actor: auditActor(requester),
        tenantId: requester.tenantId,
        action: 'remoteLock.pin',
        target,
        requestId,
        outcome: 'info',
        detail: { step, ...extra },
      });

    if (markUsed) {
      const info = await vault.info(requester.tenantId, device.id);
      if (!info || !(await vault.markUsed(requester.tenantId, device.id))) {
        await replyWithCard(
          ctx,
          refusal(
            `No recovery PIN kept for ${device.serialNumber}`,
            'There is nothing to mark: no lock PIN was issued for it in the last 30 days.',
          ),
        );
        return;
      }
      await audit('PIN marked used', {}, info.requestId);
      await replyWithCard(
        ctx,
        messageCard(
          {
            title: `PIN of ${device.serialNumber} marked as used`,
            text: 'The Mac can be locked again; a new lock gets a new PIN.',
            tone: 'success',
          },
          deps.view,
        ),
      );
      return;
    }

    const kept = await vault.read(requester.tenantId, device.id);
    if (!kept) {
      await replyWithCard(
        ctx,
        refusal(
          `No recovery PIN kept for ${device.serialNumber}`,
          'No lock PIN was issued for it in the last 30 days (PINs are kept 30 days), or the device is not a Mac.',
        ),
      );
      return;
    }
    await audit(
      'PIN read',
      { issuedTo: kept.record.issuedTo.name, issuedAt: iso(kept.record.issuedAt) },
      kept.record.requestId,
    );
    const { record } = kept;
    await replyWithCard(
      ctx,
      intunePinCard(
        {
          title: `Recovery PIN: ${device.serialNumber}`,
          subtitle: `${device.name ?? device.model ?? 'Mac'} · ${device.users[0] ?? 'no user'}`,
          pin: kept.pin,
          facts: [
            { title: 'Locked by', value: record.issuedTo.name },
            { title: 'Locked at', value: utcTime(iso(record.issuedAt)) },
            { title: 'Request', value: record.requestId },
            ...(record.usedAt ? [{ title: 'Marked used', value: utcTime(iso(record.usedAt)) }] : []),
          ],
          note: PIN_NOTE,
          footer: pinFooter(device.serialNumber, utcTime(iso(record.expiresAt))),
        },
        deps.view,
      ),
    );
  });
}
