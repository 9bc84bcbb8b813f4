import { Application, TurnState } from '@microsoft/teams-ai';
import type { DeviceAction } from '../src/actions';
import type { AuditRecord } from '../src/audit';
import { actionWords, outcomeWords } from './audit-words';
import { factsCard, warningCard, markup, type Markdown } from './cards';
import type { BotDeps } from './deps';
import { matchCount } from './lookup-view';
import { quote, replyWithCard } from './reply';
import { messageText, textMatches } from './turn';

const SHOWN = 10;

function line(r: AuditRecord, catalogue: readonly DeviceAction[]): Markdown {
  const who = r.actor.upn ?? r.actor.name ?? r.actor.teamsId;
  const target = r.target ? ` · ${r.target.label ?? r.target.id}` : '';
  const reason = r.reason ? ` — ${r.reason}` : '';
  const time = r.time.replace('T', ' ').slice(0, 19);
  return markup`#${r.seq} ${time} UTC · **${actionWords(r.action, catalogue)}** ${outcomeWords(r)} · ${who}${target}${reason}`;
}

/** `audit [serial | user]`: the latest entries of the trail a reader may see, for holders of Audit/Read. */
export function registerAudit(
  app: Application<TurnState>,
  deps: Pick<BotDeps, 'identity' | 'auditDesk' | 'view' | 'actions'>,
): void {
  app.message(textMatches(/^\s*audit\b/i), async (ctx) => {
    const requester = await deps.identity.requester(ctx);
    const subject = messageText(ctx)
      .replace(/^audit\b/i, '')
      .trim();
    const answer = await deps.auditDesk.latest(requester, subject, SHOWN);
    if (answer.kind === 'ambiguous') {
      const text = `"${quote(answer.subject)}" matches ${matchCount(answer)} devices. Give the full serial number or the device id.`;
      await replyWithCard(ctx, warningCard('Which device?', text, deps.view));
      return;
    }
    const { heading, records } = answer;
    await replyWithCard(
      ctx,
      factsCard(
        {
          title: heading,
          subtitle: records.length ? `Newest first, ${records.length} shown.` : 'Nothing recorded that you can see.',
          facts: [],
          sections: [{ heading: 'Entries', lines: records.map((r) => line(r, deps.actions.catalogue)) }],
          footer:
            'The trail is append-only and chained with a keyed MAC: `npm run audit:verify` checks it has not been altered.',
        },
        deps.view,
      ),
    );
  });
}
