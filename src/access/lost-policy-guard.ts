import type { AuditTrail } from '../audit';
import type { Logger } from '../log';
import { Guard, type GuardTarget } from './guard';
import type { Permission } from './permissions';
import type { Requester } from './requester';
import type { AccessResolver, DeviceContext } from './resolver';

/** What end users may run on their own devices under the self-service policy. */
export const SELF_SERVICE_PERMISSIONS: readonly Permission[] = ['Remote tasks/Enable lost mode'];

/**
 * The guard with the lost-device policy: when self-service is on, an end user may put a device
 * of their own in lost mode at once (never turn it off, never on anyone else's device). It is
 * the same one door, so the device card, its buttons and the actions flow all follow the policy.
 */
export class LostPolicyGuard extends Guard {
  constructor(
    resolver: AccessResolver,
    audit: AuditTrail,
    logger: Logger,
    private readonly selfService: boolean,
  ) {
    super(resolver, audit, logger);
  }

  /** Allowed by the policy alone: a device is required, and it must be theirs. */
  private bySelfService(requester: Requester, permission: Permission, device?: DeviceContext): boolean {
    return (
      this.selfService &&
      !!device &&
      SELF_SERVICE_PERMISSIONS.includes(permission) &&
      super.may(requester, 'Own devices/Report lost', device)
    );
  }

  may(requester: Requester, permission: Permission, device?: DeviceContext): boolean {
    return super.may(requester, permission, device) || this.bySelfService(requester, permission, device);
  }

  async authorize(
    requester: Requester,
    permission: Permission,
    action: string,
    device?: GuardTarget,
    requestId?: string,
  ): Promise<void> {
    if (!super.may(requester, permission, device) && this.bySelfService(requester, permission, device)) return;
    return super.authorize(requester, permission, action, device, requestId);
  }
}
