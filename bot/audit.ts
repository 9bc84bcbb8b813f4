import { Application, TurnState } from '@microsoft/teams-ai';
import type { AuditRecord } from '../src/audit';
import { factsCard } from './cards/facts-card';
import { messageCard } from './cards/message-card';
import type { BotDeps } from './deps';
import { replyWithCard } from './reply';

const SHOWN = 10;

function line(r: AuditRecord): string {
  const who = r.actor.upn ?? r.actor.name ?? r.actor.teamsId;
  const target = r.target ? ` · ${r.target.label ?? r.target.id}` : '';
  const reason = r.reason ? ` — ${r.reason}` : '';
  return `#${r.seq} ${r.time.replace('T', ' ').slice(0, 19)} UTC · **${r.action}** ${r.outcome} · ${who}${target}${reason}`;
}

/** `audit [serial | user]`: the latest entries of the trail, for holders of Audit/Read. */
export function registerAudit(
  app: Application<TurnState>,
  deps: Pick<BotDeps, 'identity' | 'guard' | 'audit' | 'devices' | 'view'>,
): void {
  app.message(/^\s*audit\b/i, async (ctx) => {
    const requester = await deps.identity.requester(ctx);
    await deps.guard.authorize(requester, 'Audit/Read', 'audit.read');
    const subject = (ctx.activity.text ?? '')
      .replace(/<at>[^<]*<\/at>/gi, ' ')
      .trim()
      .replace(/^audit\b/i, '')
      .trim();
    const tenantId = requester.tenantId;

    let heading = 'Latest audit entries';
    let records: AuditRecord[];
    if (!subject) {
      records = await deps.audit.latest({ tenantId, limit: SHOWN });
    } else if (subject.includes('@')) {
      heading = `Latest audit entries by ${subject}`;
      records = await deps.audit.latest({ tenantId, actorUpn: subject, limit: SHOWN });
    } else {
      const found = await deps.devices.search(requester, subject, { limit: 2 });
      if (found.total > 1) {
        await replyWithCard(
          ctx,
          messageCard(
            {
              title: 'Which device?',
              text: `"${subject}" matches ${found.total} devices. Give the full serial number or the device id.`,
              tone: 'warning',
            },
            deps.view,
          ),
        );
        return;
      }
      const device = found.devices[0];
      heading = `Latest audit entries for ${device ? device.serialNumber : subject}`;
      // A device that is no longer synced (deleted connection) can still be audited by its id.
      records = await deps.audit.latest({ tenantId, targetId: device?.id ?? subject, limit: SHOWN });
    }

    await replyWithCard(
      ctx,
      factsCard(
        {
          title: heading,
          subtitle: records.length ? `Newest first, ${records.length} shown.` : 'Nothing recorded yet.',
          facts: [],
          sections: [{ heading: 'Entries', lines: records.map(line) }],
          footer: 'The trail is append-only and hash-chained: `npm run audit:verify` checks it has not been altered.',
        },
        deps.view,
      ),
    );
  });
}
