/**
 * Lost-device reports from chat. Anyone: "I lost my laptop", "my chromebook was stolen",
 * `report lost` → a card listing their own devices, with when/where → the report, posted to the
 * help desk channel. Help desk: Acknowledge / Resolve on that card (Open device gives the
 * device card with the actions they may run), `reports` for the open ones, `report LR-…`.
 */
import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import { reach } from '../src/access';
import { DeskError, InvalidInput } from '../src/errors';
import type { InventoryDevice } from '../src/inventory/types';
import { deviceLabel, isResolution, LostReport, matchesHint, parseLostIntent, REPORT_ID } from '../src/lost';
import { factsCard } from './cards/facts-card';
import { lostFiledCard, lostPickCard, lostReportCard } from './cards/lost-cards';
import { messageCard } from './cards/message-card';
import type { AdaptiveCard } from './cards/render';
import type { BotDeps } from './deps';
import type { Requester } from './identity';
import { DeviceUnavailable, deviceContextOf, DeviceView, readDeviceFor } from './lookup-device';
import { invokeFailureCard } from './lookup';
import { availableActions } from './lookup-view';
import { choiceTitle, filedFacts, personOf, reportCardData, reportLine } from './lost-view';
import { messageText, replyWithCard } from './reply';

export type LostDeps = Pick<
  BotDeps,
  'identity' | 'guard' | 'inventory' | 'directory' | 'clock' | 'logger' | 'view' | 'lost' | 'actions'
>;

const MANAGE = 'Lost reports/Manage' as const;
/** Nobody has more devices than this in practice; the card lists them all. */
const OWN_LIMIT = 25;
const LIST_LIMIT = 25;

const REPORTS = /^\s*(?:open\s+|lost\s+)?reports\s*[?.!]?\s*$/i;
const SHOW_REPORT = /^\s*(?:show\s+)?report\s+(LR-[A-Za-z0-9]{4})\s*$/i;
/** "I found it", "found my laptop", `found LR-AB12`. */
const FOUND =
  /^\s*(?:i\s+(?:have\s+|'ve\s+)?)?found\s+(?:it|my\s+(?:lost\s+)?[\w-]+|(LR-[A-Za-z0-9]{4}))(?:\s+again)?\s*[.!]*\s*$/i;

const fileData = z.object({
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'Pick one of your devices.'),
  kind: z.enum(['lost', 'stolen']).catch('lost'),
  lastSeen: z.string().trim().max(200, 'Keep "when" under 200 characters.').optional().catch(undefined),
  where: z.string().trim().max(200, 'Keep "where" under 200 characters.').optional().catch(undefined),
});

function reportIdOf(data: unknown): string {
  const id = data && typeof data === 'object' ? (data as Record<string, unknown>).reportId : undefined;
  if (typeof id !== 'string' || !REPORT_ID.test(id))
    throw new InvalidInput('That card did not say which report it belongs to.');
  return id.toUpperCase();
}

/** The devices assigned to the requester (annotated or recent user, Intune primary user). */
export async function ownDevices(deps: Pick<LostDeps, 'inventory'>, requester: Requester): Promise<InventoryDevice[]> {
  const own = reach(requester.access, 'Own devices/Report lost');
  const users = own.all ? [] : own.users;
  const found = new Map<string, InventoryDevice>();
  for (const user of users) {
    const result = await deps.inventory.search(requester.tenantId, user, {
      limit: OWN_LIMIT,
      kind: 'user',
      filter: { users },
    });
    for (const d of result.devices) found.set(d.id, d);
  }
  return [...found.values()].sort(
    (a, b) => (b.lastSync ?? '').localeCompare(a.lastSync ?? '') || a.serialNumber.localeCompare(b.serialNumber),
  );
}

export function registerLost(app: Application<TurnState>, deps: LostDeps): void {
  const { guard, view } = deps;
  const reports = deps.lost.reports;
  const card = (r: LostReport): AdaptiveCard => lostReportCard(reportCardData(r, reports.escalationMinutes), view);
  const refusal = (title: string, text: string) => messageCard({ title, text, tone: 'warning' }, view);
  const contextOf = (r: LostReport) => ({
    orgUnitPath: r.device.orgUnitPath,
    users: r.device.users,
    target: { kind: 'device' as const, id: r.device.id, label: r.device.serialNumber },
  });

  // ---- "I found it" / `found LR-…`: the reporter closes their own report -------------------------
  // First, so that "I found my lost laptop" closes a report instead of filing one.
  app.message(FOUND, async (ctx) => {
    const given = FOUND.exec(messageText(ctx))?.[1]?.toUpperCase();
    const requester = await deps.identity.requester(ctx);
    const isMine = (r: LostReport) =>
      r.reporter.teamsId === requester.teamsId || r.alsoReportedBy.some((p) => p.teamsId === requester.teamsId);
    const open = given
      ? [await reports.get(given)].filter(
          (r): r is LostReport => !!r && r.tenantId === requester.tenantId && r.state !== 'resolved',
        )
      : await reports.listUnresolved(requester.tenantId, 200);
    const mine = open.filter(isMine);
    if (mine.length === 0) {
      await replyWithCard(
        ctx,
        refusal(
          'No open report',
          given ? `You have no open lost-device report ${given}.` : 'You have no open lost-device report.',
        ),
      );
      return;
    }
    if (mine.length > 1) {
      await replyWithCard(
        ctx,
        refusal(
          'Which one?',
          `You have ${mine.length} open reports: ${mine.map((r) => `${r.id} (${deviceLabel(r)})`).join(', ')}. Say \`found <report id>\`.`,
        ),
      );
      return;
    }
    // The help desk card shows it closed and the help desk stops chasing it.
    const { report } = await reports.resolve(mine[0].id, personOf(requester), 'found');
    await replyWithCard(ctx, card(report));
  });

  // ---- "I lost my chromebook" / `report lost` → pick one of your devices ------------------------
  app.message(
    async (ctx) => ctx.activity.type === 'message' && parseLostIntent(messageText(ctx)) !== undefined,
    async (ctx) => {
      const intent = parseLostIntent(messageText(ctx)) ?? { kind: 'lost' as const };
      const requester = await deps.identity.requester(ctx);
      const devices = await ownDevices(deps, requester);
      if (devices.length === 0) {
        await replyWithCard(
          ctx,
          refusal(
            'I found no device assigned to you',
            `I can only file reports for devices assigned to you${requester.upn ? ` (${requester.upn})` : ''}. If it is a company device, call the help desk and give them its serial number or asset tag; if it is your own, change your passwords now.`,
          ),
        );
        return;
      }
      const hinted = intent.hint ? devices.filter((d) => matchesHint(intent.hint!, d)) : [];
      const selected = devices.length === 1 ? devices[0].id : hinted.length === 1 ? hinted[0].id : '';
      // The kind they named comes first ("my chromebook": the Chromebooks).
      const ordered = [...hinted, ...devices.filter((d) => !hinted.includes(d))];
      await replyWithCard(
        ctx,
        lostPickCard(
          {
            title:
              intent.kind === 'stolen'
                ? 'Sorry to hear that. Which device was stolen?'
                : 'Sorry to hear that. Which device did you lose?',
            text: `These are the devices assigned to you. Pick one and tell me when and where you last had it; the help desk gets it at once.`,
            choices: ordered.map((d) => ({ title: choiceTitle(d), value: d.id })),
            selected,
            kind: intent.kind,
            footer: 'Not in the list? Call the help desk with its serial number or asset tag.',
          },
          view,
        ),
      );
    },
  );

  // ---- the pick card's Report button ---------------------------------------------------------
  app.adaptiveCards.actionExecute<unknown>('lost.file', async (ctx, _state, data) => {
    try {
      const parsed = fileData.safeParse(data ?? {});
      if (!parsed.success) throw new InvalidInput(parsed.error.issues[0]?.message ?? 'Pick one of your devices.');
      const input = parsed.data;
      const requester = await deps.identity.requester(ctx);
      let device: DeviceView;
      try {
        device = await readDeviceFor(deps, requester, input.deviceId, 'lost.report');
      } catch (error) {
        if (error instanceof DeviceUnavailable) return refusal('Not reported', error.userMessage);
        throw error;
      }
      const context = deviceContextOf(device);
      const target = { kind: 'device' as const, id: device.id, label: device.serialNumber };
      // Help desk staff may file for a device in their care; everyone else only for their own.
      if (!guard.may(requester, MANAGE, context))
        await guard.authorize(requester, 'Own devices/Report lost', 'lost.report', { ...context, target });

      const { outcome, report } = await reports.file({
        tenantId: requester.tenantId,
        device: {
          id: device.id,
          source: device.source,
          serialNumber: device.serialNumber,
          model: device.model,
          orgUnitPath: device.orgUnitPath,
          users: context.users,
          status: device.status,
        },
        reporter: personOf(requester),
        kind: input.kind,
        lastSeen: input.lastSeen,
        where: input.where,
        reporterConversation: TurnContext.getConversationReference(ctx.activity),
      });
      return filedCard(requester, device, report, outcome);
    } catch (error) {
      return invokeFailureCard(deps, ctx, error);
    }
  });

  function filedCard(
    requester: Requester,
    device: DeviceView,
    r: LostReport,
    outcome: 'filed' | 'duplicate' | 'merged',
  ): AdaptiveCard {
    // Self-service: the actions this person may run on the device, as the guard and policy decide.
    const selfService = availableActions(deps.actions.catalogue, guard, requester, device).filter(
      (a) => a.id === 'lostMode.on',
    );
    const buttons = selfService.map((a) => ({ action: a.id, title: 'Put it in lost mode now' }));
    const escalation = `If nobody has picked it up within ${reports.escalationMinutes} minutes, the on-call responder is paged.`;
    if (outcome === 'duplicate') {
      return lostFiledCard(
        {
          title: `You already reported this device: ${r.id}`,
          text: `${deviceLabel(r)} has an open report from you (${r.state}). I did not file a second one; you'll get updates here as it moves.`,
          color: 'Warning',
          facts: filedFacts(r),
          steps: [],
          deviceId: device.id,
          buttons,
          footer: `Type \`report ${r.id}\` to see where it stands.`,
        },
        view,
      );
    }
    const steps = [
      r.helpdeskCard
        ? `The help desk has your report and will pick it up. ${escalation}`
        : 'No help desk channel is set up yet, so please also call the help desk. Your report is kept and shown to them as soon as the channel is set.',
      'They may put the device in lost mode: it is locked and shows a message on how to return it. Wiping it is their call.',
      'I will message you here when the report moves (picked up, device locked, found or replaced).',
      'If you were signed in on it, change your password now.',
      ...(r.kind === 'stolen'
        ? ['For a theft, report it to the police too and give the help desk the reference.']
        : []),
    ];
    return lostFiledCard(
      {
        title: outcome === 'merged' ? `Added to open report ${r.id}` : `Reported: ${r.id}`,
        text:
          outcome === 'merged'
            ? `${r.reporter.name} already reported ${deviceLabel(r)}; I added you and your details to that report, so the help desk sees both. You'll get its updates here too.`
            : `Thanks, ${requester.name.split(' ')[0]}. Your report for ${deviceLabel(r)} is filed.`,
        color: 'Good',
        facts: filedFacts(r),
        steps,
        deviceId: device.id,
        buttons,
        footer: buttons.length
          ? 'Lost mode locks the device until the help desk turns it off; you are asked to confirm first.'
          : '',
      },
      view,
    );
  }

  // ---- help desk: Acknowledge / Resolve ------------------------------------------------------
  async function manage(
    ctx: TurnContext,
    data: unknown,
    step: 'acknowledge' | 'resolve',
  ): Promise<AdaptiveCard | string> {
    try {
      const id = reportIdOf(data);
      const requester = await deps.identity.requester(ctx);
      const report = await reports.get(id);
      if (!report || report.tenantId !== requester.tenantId) return `There is no report ${id}.`;
      await guard.authorize(requester, MANAGE, `lost.${step}`, contextOf(report), id);
      if (step === 'acknowledge') return card((await reports.acknowledge(id, personOf(requester))).report);
      const resolution = (data as Record<string, unknown>).resolution;
      if (!isResolution(resolution)) throw new InvalidInput('Say whether the device was found or replaced.');
      return card((await reports.resolve(id, personOf(requester), resolution)).report);
    } catch (error) {
      // A refusal keeps the card as it is for everyone, the clicker included, and says why.
      if (error instanceof DeskError) {
        deps.logger.warn({ activityId: ctx.activity.id, code: error.code }, `lost report ${step} refused`);
        return error.userMessage;
      }
      return invokeFailureCard(deps, ctx, error);
    }
  }

  app.adaptiveCards.actionExecute<unknown>('lost.acknowledge', (ctx, _state, data) => manage(ctx, data, 'acknowledge'));
  app.adaptiveCards.actionExecute<unknown>('lost.resolve', (ctx, _state, data) => manage(ctx, data, 'resolve'));

  // ---- `reports` / `report LR-…` ------------------------------------------------------------------
  app.message(REPORTS, async (ctx) => {
    const requester = await deps.identity.requester(ctx);
    await guard.authorize(requester, MANAGE, 'lost.list', undefined, ctx.activity.id);
    const open = (await reports.listUnresolved(requester.tenantId, 200)).filter((r) =>
      guard.may(requester, MANAGE, contextOf(r)),
    );
    const now = deps.clock.now();
    await replyWithCard(
      ctx,
      factsCard(
        {
          title: 'Open lost-device reports',
          subtitle: open.length
            ? `${open.length} open, oldest first${open.length > LIST_LIMIT ? `; the first ${LIST_LIMIT} shown` : ''}.`
            : 'No open reports. 🎉',
          facts: [],
          sections: [{ heading: 'Reports', lines: open.slice(0, LIST_LIMIT).map((r) => reportLine(r, now)) }],
          footer: 'Type `report <id>` to open one with its buttons.',
        },
        view,
      ),
    );
  });

  app.message(SHOW_REPORT, async (ctx) => {
    const id = (SHOW_REPORT.exec(messageText(ctx))?.[1] ?? '').toUpperCase();
    const requester = await deps.identity.requester(ctx);
    const report = await reports.get(id);
    const mine =
      report?.reporter.teamsId === requester.teamsId ||
      report?.alsoReportedBy.some((p) => p.teamsId === requester.teamsId);
    // Reporters see their own; the help desk those in its care. Anyone else learns nothing.
    if (
      !report ||
      report.tenantId !== requester.tenantId ||
      (!mine && !guard.may(requester, MANAGE, contextOf(report)))
    ) {
      await replyWithCard(
        ctx,
        refusal(`No report ${id}`, 'I know no lost-device report with that id that you can see.'),
      );
      return;
    }
    await replyWithCard(ctx, card(report));
  });
}
