import { Application, TurnState } from '@microsoft/teams-ai';
import { textMatches } from './turn';
import { ALL_PERMISSIONS, END_USER_ROLE, OWN_DEVICE_PERMISSIONS } from '../src/access';
import { factsCard, markup } from './cards';
import type { BotDeps } from './deps';
import { replyWithCard } from './reply';

/** `whoami`: who the bot thinks you are and what you may do, so nobody has to guess. */
export function registerWhoami(app: Application<TurnState>, deps: Pick<BotDeps, 'identity' | 'view' | 'access'>): void {
  app.message(textMatches(/^\s*(who\s*am\s*i|whoami|my roles?|my permissions)\s*[?!.]?\s*$/i), async (ctx) => {
    const r = await deps.identity.requester(ctx);
    const groupIds = r.access.grants.flatMap((g) => (g.via === 'user' ? [] : [g.via.group]));
    const groupNames = await deps.access.groupNames(r.tenantId, groupIds);
    const roles = r.access.grants.map((g) => {
      const via = g.via === 'user' ? 'assigned to you' : `through group ${groupNames.get(g.via.group) ?? g.via.group}`;
      const scope = g.scopes?.length ? `, only for ${g.scopes.join(', ')}` : ', whole tenant';
      return markup`**${g.role}** (${via}${scope})`;
    });
    roles.push(markup`**${END_USER_ROLE}** (everyone: your own devices)`);
    const held = new Set<string>(r.access.grants.flatMap((g) => g.permissions));
    const permissions = ALL_PERMISSIONS.filter(
      (p) => held.has(p) || (OWN_DEVICE_PERMISSIONS as readonly string[]).includes(p),
    );
    const scopes = [...new Set(r.access.grants.flatMap((g) => g.scopes ?? ['whole tenant']))];
    await replyWithCard(
      ctx,
      factsCard(
        {
          title: r.name,
          subtitle: r.upn ?? 'UPN unknown: Teams did not tell me',
          facts: [
            { title: 'UPN', value: r.upn ?? '—' },
            { title: 'Email', value: r.email ?? '—' },
            { title: 'Entra object id', value: r.aadObjectId ?? '—' },
            { title: 'Tenant', value: r.tenantId || '—' },
            { title: 'Scopes', value: scopes.length ? scopes.join(', ') : 'your own devices only' },
          ],
          sections: [
            { heading: 'Roles', lines: roles },
            { heading: 'Permissions', lines: permissions.map((p) => `• ${p}`) },
          ],
          footer: r.access.groupLookupFailed
            ? 'Your group memberships could not be checked just now; roles given through groups may be missing.'
            : '',
        },
        deps.view,
      ),
    );
  });
}
