import { Application, TurnState } from '@microsoft/teams-ai';
import { REQUEST_ID } from '../src/actions';
import { requestLine, statusCardData } from './actions-view';
import { actionStatusCard, factsCard, messageCard } from './cards';
import type { BotDeps } from './deps';
import { labelOf } from './notifier';
import { quote, replyWithCard } from './reply';
import { messageText, textMatches } from './turn';

const MY_ACTIONS = 10;

/** `status <request id>` and `my actions`: where the requester's actions stand. */
export function registerActionStatus(
  app: Application<TurnState>,
  deps: Pick<BotDeps, 'identity' | 'view' | 'actions'>,
): void {
  const { actions } = deps;
  const catalogue = actions.catalogue;

  // ---- status <id> / my actions ------------------------------------------------------------------
  app.message(textMatches(/^\s*status\s+(DD-\w+)\s*$/i), async (ctx) => {
    const id = (/(DD-\w+)/i.exec(messageText(ctx)) ?? [])[1]?.toUpperCase() ?? '';
    const requester = await deps.identity.requester(ctx);
    const r = REQUEST_ID.test(id) ? await actions.readRequest(requester, id) : undefined;
    if (!r) {
      await replyWithCard(
        ctx,
        messageCard(
          {
            title: `No request ${quote(id)}`,
            text: 'I know no request with that id among yours. Type `my actions` to list your recent ones.',
            tone: 'warning',
          },
          deps.view,
        ),
      );
      return;
    }
    await replyWithCard(ctx, actionStatusCard(statusCardData(r, labelOf(catalogue, r.action)), deps.view));
  });

  // "status" without an id means the same: what did I run, and where does it stand?
  app.message(textMatches(/^\s*(?:my\s+(?:actions|requests)|status|my\s+status)\s*[?.!]*\s*$/i), async (ctx) => {
    const requester = await deps.identity.requester(ctx);
    const list = await actions.recentRequests(requester, MY_ACTIONS);
    await replyWithCard(
      ctx,
      factsCard(
        {
          title: 'Your recent actions',
          subtitle: list.length ? `Newest first, ${list.length} shown.` : 'You have not run any action yet.',
          facts: [],
          sections: [{ heading: 'Requests', lines: list.map((r) => requestLine(r, labelOf(catalogue, r.action))) }],
          footer: 'Type `status <request id>` for one of them.',
        },
        deps.view,
      ),
    );
  });
}
