import { actorOf, type AuditTarget, type AuditTrail } from '../audit';
import { Forbidden } from '../errors';
import type { Logger } from '../log';
import type { Permission } from './permissions';
import type { Requester } from './requester';
import type { AccessResolver, DeviceContext } from './resolver';

export interface GuardTarget extends DeviceContext {
  target: AuditTarget;
}

/**
 * The one door every state-changing route goes through. It decides on the server, for the
 * target device, whatever card or text the request came from; a denial is audited and thrown
 * as Forbidden, whose message says what is missing and who grants it.
 */
export class Guard {
  constructor(
    private readonly resolver: AccessResolver,
    private readonly audit: AuditTrail,
    private readonly logger: Logger,
  ) {}

  /** For showing buttons and help: never a substitute for `authorize` on the action itself. */
  may(requester: Requester, permission: Permission, device?: DeviceContext): boolean {
    return this.resolver.can(requester.access, permission, device).allowed;
  }

  async authorize(
    requester: Requester,
    permission: Permission,
    action: string,
    device?: GuardTarget,
    requestId?: string,
  ): Promise<void> {
    const decision = this.resolver.can(requester.access, permission, device);
    if (decision.allowed) return;
    this.logger.warn(
      { teamsId: requester.teamsId, permission, action, target: device?.target, reason: decision.reason },
      'permission denied',
    );
    await this.audit.append({
      actor: actorOf(requester),
      tenantId: requester.tenantId,
      action: 'access.denied',
      target: device?.target,
      requestId,
      outcome: 'denied',
      reason: decision.message,
      detail: { permission, attempted: action, why: decision.reason },
    });
    throw new Forbidden(decision.message, permission);
  }
}
