/**
 * `intune setup` and `intune status`: which Microsoft Graph application permissions the bot's app
 * registration needs, which it holds, and whether Intune answers. For holders of Organization/Read.
 */
import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { GraphPermissionNeed, IntuneStatus } from '../src/connector';
import { factsCard, warningCard, type AdaptiveCard, type CardView, markup, type Markdown } from './cards';
import type { BotDeps } from './deps';
import { utcTime } from './lookup-view';
import { replyWithCard } from './reply';
import { messageText, textMatches } from './turn';

export type IntuneDeps = Pick<BotDeps, 'identity' | 'guard' | 'view' | 'intune'>;

const COMMAND = /^\s*intune(?:\s+(\S+))?\s*[.!?]?\s*$/i;
const GRANT_HOW =
  'Entra admin center › App registrations › the Device Desk app › API permissions › Add a permission › Microsoft Graph › Application permissions, then Grant admin consent.';

function permissionLine(p: GraphPermissionNeed & { granted?: boolean }): Markdown {
  const mark = p.granted === undefined ? '•' : p.granted ? '✅' : '❌ missing:';
  return markup`${mark} **${p.permission}** — ${p.usedFor}`;
}

export function intuneSetupCard(needs: readonly GraphPermissionNeed[], view: CardView): AdaptiveCard {
  return factsCard(
    {
      title: 'Connect Intune: what to grant',
      subtitle: 'Device Desk reads Intune devices and sends remote actions through Microsoft Graph, as an app.',
      facts: [
        { title: 'Where', value: GRANT_HOW },
        { title: 'Then set', value: 'GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET, and restart the bot.' },
      ],
      sections: [{ heading: 'Application permissions', lines: needs.map(permissionLine) }],
      footer: 'Type `intune status` to see which of them the app holds now.',
    },
    view,
  );
}

export function intuneStatusCard(status: IntuneStatus, view: CardView): AdaptiveCard {
  if (!status.configured)
    return warningCard(
      'Intune is not connected',
      'No Microsoft Graph app is configured (GRAPH_TENANT_ID, GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET). Type `intune setup` for what to grant.',
      view,
    );
  const missing = status.permissions.filter((p) => p.granted === false);
  const last = status.lastSync;
  const facts = [
    { title: 'Graph', value: status.reachable ? 'answers' : `not answering: ${status.problem ?? 'no reason given'}` },
    { title: 'Intune devices synced', value: status.devices.toLocaleString('en-US') },
    {
      title: 'Last sync',
      value: !last ? 'not yet' : last.status === 'completed' ? `${utcTime(last.finishedAt)}` : `failed: ${last.reason}`,
    },
  ];
  return factsCard(
    {
      title: missing.length ? `Intune: ${missing.length} permission(s) missing` : 'Intune: connected',
      subtitle: missing.length ? GRANT_HOW : 'Every application permission Device Desk uses is granted.',
      facts,
      sections: [{ heading: 'Application permissions', lines: status.permissions.map(permissionLine) }],
    },
    view,
  );
}

async function answer(deps: IntuneDeps, ctx: TurnContext): Promise<AdaptiveCard> {
  const sub = (COMMAND.exec(messageText(ctx))?.[1] ?? 'status').toLowerCase();
  const requester = await deps.identity.requester(ctx);
  await deps.guard.authorize(requester, 'Organization/Read', `intune.${sub}`, undefined, ctx.activity.id);
  if (sub === 'setup') return intuneSetupCard(deps.intune.setup(), deps.view);
  if (sub === 'status') return intuneStatusCard(await deps.intune.status(requester.tenantId), deps.view);
  return warningCard('Intune commands', '`intune setup` · `intune status`', deps.view);
}

export function registerIntune(app: Application<TurnState>, deps: IntuneDeps): void {
  app.message(textMatches(COMMAND), async (ctx) => {
    await replyWithCard(ctx, await answer(deps, ctx));
  });
}
