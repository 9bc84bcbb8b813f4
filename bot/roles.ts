import { Application, TurnState } from '@microsoft/teams-ai';
import { textMatches } from './turn';
import type { RoleHolder, RoleListing } from '../src/access';
import { factsCard, markup, type Markdown } from './cards';
import type { BotDeps } from './deps';
import { replyWithCard } from './reply';

const ROLES_READ = 'Roles/Read' as const;

function holderLine(h: RoleHolder): Markdown {
  const who = h.name ? `${h.name} (${h.id})` : h.id;
  const scope = h.scopes?.length ? `only for ${h.scopes.join(', ')}` : 'whole tenant';
  return h.kind === 'group' ? markup`• group **${who}** · ${scope}` : markup`• **${who}** · ${scope}`;
}

function roleSection(role: RoleListing): { heading: string; lines: Markdown[] } {
  return {
    heading: `${role.name}${role.builtIn ? '' : ' (custom)'}`,
    lines: [
      markup`${role.description}`,
      markup`Permissions: ${role.permissions.join(', ')}`,
      ...(role.holders.length ? role.holders.map(holderLine) : [markup`• nobody holds it`]),
    ],
  };
}

/** `roles`: the tenant's roles, what each allows and who holds it (people and groups by name), for Roles/Read. */
export function registerRoles(
  app: Application<TurnState>,
  deps: Pick<BotDeps, 'identity' | 'guard' | 'access' | 'view'>,
): void {
  app.message(textMatches(/^\s*(?:roles|show\s+roles|who\s+has\s+which\s+role)\s*[?!.]?\s*$/i), async (ctx) => {
    const requester = await deps.identity.requester(ctx);
    await deps.guard.authorize(requester, ROLES_READ, 'roles.read', undefined, ctx.activity.id);
    const roles = await deps.access.roster(requester.tenantId);
    await replyWithCard(
      ctx,
      factsCard(
        {
          title: 'Roles',
          subtitle:
            'What each role allows and who holds it. Roles come from the access file; groups are Entra groups, members included through nested groups.',
          facts: [],
          sections: roles.map(roleSection),
          footer: 'Everything is checked again on the server for every action, whatever this list shows.',
        },
        deps.view,
      ),
    );
  });
}
