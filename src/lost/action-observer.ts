import type { AccessResolver } from '../access';
import { DeviceAction, findAction, type RequestNotifier, type ActionRequest } from '../actions';
import type { Logger } from '../log';
import type { LostReportService } from './lost-service';

/** Actions that matter to a lost device: they move its report to "actioned". */
export const LOST_DEVICE_ACTIONS: ReadonlySet<string> = new Set([
  'lostMode.on',
  'remoteLock',
  'wipeUsers',
  'powerwash',
  'deprovision',
  'intune.lostMode.on',
  'intune.wipe',
  'intune.retire',
]);

/**
 * Sits between the action tracker and its notifier: when an action on a reported device is done,
 * the report records it. Whether it was self-service is read from the requester's roles: someone
 * without the action's permission anywhere ran it on their own device under the policy.
 */
export class LostActionObserver implements RequestNotifier {
  constructor(
    private readonly inner: RequestNotifier,
    private readonly lost: LostReportService,
    private readonly resolver: AccessResolver,
    private readonly catalogue: readonly DeviceAction[],
    private readonly logger: Logger,
  ) {}

  changed(request: ActionRequest): Promise<void> {
    return this.inner.changed(request);
  }

  async finished(r: ActionRequest): Promise<void> {
    try {
      await this.inner.finished(r);
    } finally {
      if (r.state === 'Done' && LOST_DEVICE_ACTIONS.has(r.action)) await this.record(r);
    }
  }

  private async record(r: ActionRequest): Promise<void> {
    try {
      const action = findAction(this.catalogue, r.action);
      const access = await this.resolver.resolve({
        aadObjectId: r.requester.aadObjectId ?? '',
        upn: r.requester.upn,
        tenantId: r.requester.tenantId,
        name: r.requester.name,
      });
      const staff = action ? this.resolver.can(access, action.permission).allowed : true;
      await this.lost.recordAction(r.requester.tenantId, r.device.id, {
        action: r.action,
        label: action?.label ?? r.action,
        requestId: r.id,
        by: {
          teamsId: r.requester.teamsId,
          aadObjectId: r.requester.aadObjectId,
          name: r.requester.name,
          upn: r.requester.upn,
        },
        selfService: !staff,
      });
    } catch (error) {
      this.logger.warn(
        { requestId: r.id, err: { message: (error as Error).message } },
        'lost report: could not record the action',
      );
    }
  }
}
