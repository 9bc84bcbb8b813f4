import { TeamsInfo, TurnContext } from 'botbuilder';
import type { AccessResolver, Requester } from '../src/access';
import type { Clock } from '../src/clock';
import type { Logger } from '../src/log';
import { activityTenantId } from './turn';

interface Member {
  aadObjectId?: string;
  name?: string;
  upn?: string;
  email?: string;
}

/**
 * Resolves who is talking: ids from the activity, UPN and email from Teams (fetched once and
 * cached, since every turn needs them), roles from the access resolver.
 */
export class IdentityService {
  private readonly members = new Map<string, { member: Member; at: number }>();

  constructor(
    private readonly resolver: AccessResolver,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMs = 60 * 60 * 1000,
  ) {}

  async requester(ctx: TurnContext): Promise<Requester> {
    const from = ctx.activity.from ?? { id: '' };
    const tenantId = activityTenantId(ctx.activity) ?? '';
    const member = await this.member(ctx, tenantId);
    const aadObjectId = from.aadObjectId ?? member.aadObjectId;
    const access = await this.resolver.resolve({
      aadObjectId: aadObjectId ?? '',
      upn: member.upn,
      email: member.email,
      tenantId,
      name: member.name ?? from.name,
    });
    return {
      teamsId: from.id,
      aadObjectId,
      name: member.name ?? from.name ?? 'someone',
      upn: member.upn,
      email: member.email,
      tenantId,
      access,
    };
  }

  private async member(ctx: TurnContext, tenantId: string): Promise<Member> {
    const key = `${tenantId}:${ctx.activity.from?.id}`;
    const cached = this.members.get(key);
    if (cached && this.clock.now() - cached.at < this.ttlMs) return cached.member;
    let member: Member = {};
    try {
      const m = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
      member = {
        aadObjectId: m.aadObjectId,
        name: m.name,
        upn: m.userPrincipalName?.toLowerCase(),
        email: m.email?.toLowerCase(),
      };
      this.members.set(key, { member, at: this.clock.now() });
    } catch (error) {
      // Without a UPN the person still gets roles assigned by object id, just not their own devices.
      this.logger.warn(
        { activityId: ctx.activity.id, err: { message: (error as Error).message } },
        'could not look up the Teams member',
      );
    }
    return member;
  }
}
