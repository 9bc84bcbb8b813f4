/**
 * Lost-device reports from chat. Anyone: "I lost my laptop", "my chromebook was stolen",
 * `report lost` → a card listing their own devices, with when/where → the report, posted to the
 * help desk channel. Help desk: Acknowledge / Resolve on that card (Open device gives the
 * device card with the actions they may run), `reports` for the open ones, `report LR-…`.
 * The report desk decides who may do what; here the words are read and the cards drawn.
 */
import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import type { Requester } from '../src/access';
import type { DeviceView } from '../src/devices';
import { DeskError, InvalidInput } from '../src/errors';
import { deviceLabel, LostReport, matchesHint, parseLostIntent, REPORT_ID } from '../src/lost';
import {
  lostFiledCard,
  lostPickCard,
  lostReportCard,
  reportListCard,
  type ReportListCardData,
  warningCard,
  type AdaptiveCard,
} from './cards';
import type { BotDeps } from './deps';
import { failureCard } from './errors';
import { onCardVerb } from './invoke';
import { openCard } from './lookup';
import { choiceTitle, filedFacts, reportCardData, reportLine } from './lost-view';
import { replyWithCard } from './reply';
import { conversationOf, messageText, textMatches } from './turn';

export type LostDeps = Pick<BotDeps, 'identity' | 'clock' | 'logger' | 'view' | 'lost' | 'actions' | 'devices'>;

/** Open reports listed on one card. */
const LIST_LIMIT = 25;

const REPORTS = /^\s*(?:open\s+|lost\s+)?reports\s*[?.!]?\s*$/i;
const SHOW_REPORT = /^\s*(?:show\s+)?report\s+(LR-[A-Za-z0-9]{4})\s*$/i;
/** "I found it", "found my laptop", "found!", `found LR-AB12`. */
const FOUND =
  /^\s*(?:i\s+(?:have\s+|'ve\s+)?)?found(?:\s+(?:it|my\s+(?:lost\s+)?[\w-]+|(LR-[A-Za-z0-9]{4})))?(?:\s+again)?\s*[.!]*\s*$/i;

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

export function registerLost(app: Application<TurnState>, deps: LostDeps): void {
  // First, so that "I found my lost laptop" closes a report instead of filing one.
  registerFound(app, deps);
  registerLostIntent(app, deps);
  registerFiling(app, deps);
  registerHelpdeskVerbs(app, deps);
  registerReportLists(app, deps);
}

function reportCard(deps: LostDeps, r: LostReport): AdaptiveCard {
  return lostReportCard(reportCardData(r, deps.lost.desk.escalationMinutes), deps.view);
}

/** "I found it" / `found LR-…`: the reporter closes their own report. */
function registerFound(app: Application<TurnState>, deps: LostDeps): void {
  app.message(textMatches(FOUND), async (ctx) => {
    const given = FOUND.exec(messageText(ctx))?.[1]?.toUpperCase();
    const requester = await deps.identity.requester(ctx);
    const result = await deps.lost.desk.found(requester, given);
    if (result.kind === 'none') {
      const text = given ? `You have no open lost-device report ${given}.` : 'You have no open lost-device report.';
      await replyWithCard(ctx, warningCard('No open report', text, deps.view));
    } else if (result.kind === 'several') {
      const list = result.reports.map((r) => `${r.id} (${deviceLabel(r)})`).join(', ');
      const text = `You have ${result.reports.length} open reports: ${list}. Say \`found <report id>\`.`;
      await replyWithCard(ctx, warningCard('Which one?', text, deps.view));
    } else {
      // The help desk card shows it closed and the help desk stops chasing it.
      await replyWithCard(ctx, reportCard(deps, result.report));
    }
  });
}

/** "I lost my chromebook" / `report lost` → pick one of your devices. */
function registerLostIntent(app: Application<TurnState>, deps: LostDeps): void {
  app.message(
    async (ctx) => ctx.activity.type === 'message' && parseLostIntent(messageText(ctx)) !== undefined,
    async (ctx) => {
      const intent = parseLostIntent(messageText(ctx)) ?? { kind: 'lost' as const };
      const requester = await deps.identity.requester(ctx);
      const devices = await deps.lost.desk.ownDevices(requester);
      if (devices.length === 0) {
        const text = `I can only file reports for devices assigned to you${requester.upn ? ` (${requester.upn})` : ''}. If it is a company device, call the help desk and give them its serial number or asset tag; if it is your own, change your passwords now.`;
        await replyWithCard(ctx, warningCard('I found no device assigned to you', text, deps.view));
        return;
      }
      const hinted = intent.hint ? devices.filter((d) => matchesHint(intent.hint!, d)) : [];
      const selected = devices.length === 1 ? devices[0].id : hinted.length === 1 ? hinted[0].id : '';
      // The kind they named comes first ("my chromebook": the Chromebooks).
      const ordered = [...hinted, ...devices.filter((d) => !hinted.includes(d))];
      const title =
        intent.kind === 'stolen'
          ? 'Sorry to hear that. Which device was stolen?'
          : 'Sorry to hear that. Which device did you lose?';
      const card = lostPickCard(
        {
          title,
          text: `These are the devices assigned to you. Pick one and tell me when and where you last had it; the help desk gets it at once.`,
          choices: ordered.map((d) => ({ title: choiceTitle(d, deps.clock.now()), value: d.id })),
          selected,
          kind: intent.kind,
          footer: 'Not in the list? Call the help desk with its serial number or asset tag.',
        },
        deps.view,
      );
      await replyWithCard(ctx, card);
    },
  );
}

/** The pick card's Report button. */
function registerFiling(app: Application<TurnState>, deps: LostDeps): void {
  onCardVerb(app, 'lost.file', deps, async (ctx, data) => {
    const parsed = fileData.safeParse(data ?? {});
    if (!parsed.success) throw new InvalidInput(parsed.error.issues[0]?.message ?? 'Pick one of your devices.');
    const requester = await deps.identity.requester(ctx);
    const result = await deps.lost.desk.file(requester, parsed.data, conversationOf(ctx));
    if (result.kind === 'unavailable') return warningCard('Not reported', result.message, deps.view);
    return filedCard(deps, requester, result.device, result.report, result.outcome);
  });
}

function filedCard(
  deps: LostDeps,
  requester: Requester,
  device: DeviceView,
  r: LostReport,
  outcome: 'filed' | 'duplicate' | 'merged',
): AdaptiveCard {
  // Self-service: the actions this person may run on the device, as the guard and policy decide.
  const selfService = deps.actions
    .availableActions(requester, device)
    .filter((a) => a.id === 'lostMode.on' || a.id === 'intune.lostMode.on');
  const buttons = selfService.map((a) => ({ action: a.id, title: 'Put it in lost mode now' }));
  if (outcome === 'duplicate') {
    return lostFiledCard(
      {
        title: `You already reported this device: ${r.id}`,
        text: `${deviceLabel(r)} has an open report from you (${r.state}). I did not file a second one; you'll get updates here as it moves.`,
        color: 'Default',
        facts: filedFacts(r),
        steps: [],
        deviceId: device.id,
        buttons,
        footer: `Type \`report ${r.id}\` to see where it stands.`,
      },
      deps.view,
    );
  }
  return lostFiledCard(
    {
      title: outcome === 'merged' ? `Added to open report ${r.id}` : `Reported: ${r.id}`,
      text:
        outcome === 'merged'
          ? `${r.reporter.name} already reported ${deviceLabel(r)}; I added you and your details to that report, so the help desk sees both. You'll get its updates here too.`
          : `Thanks, ${requester.name.split(' ')[0]}. Your report for ${deviceLabel(r)} is filed.`,
      color: 'Good',
      facts: filedFacts(r),
      steps: nextSteps(r, deps.lost.desk.escalationMinutes),
      deviceId: device.id,
      buttons,
      footer: buttons.length
        ? 'Lost mode locks the device until the help desk turns it off; you are asked to confirm first.'
        : '',
    },
    deps.view,
  );
}

/** What happens next, as the reporter is told. */
function nextSteps(r: LostReport, escalationMinutes: number): string[] {
  const escalation = `If nobody has picked it up within ${escalationMinutes} minutes, the on-call responder is paged.`;
  return [
    r.helpdeskCard
      ? `The help desk has your report and will pick it up. ${escalation}`
      : 'No help desk channel is set up yet, so please also call the help desk. Your report is kept and shown to them as soon as the channel is set.',
    'They may put the device in lost mode: it is locked and shows a message on how to return it. Wiping it is their call.',
    'I will message you here when the report moves (picked up, device locked, found or replaced).',
    'If you were signed in on it, change your password now.',
    ...(r.kind === 'stolen' ? ['For a theft, report it to the police too and give the help desk the reference.'] : []),
  ];
}

/** Help desk: Acknowledge / Resolve on the report card. */
function registerHelpdeskVerbs(app: Application<TurnState>, deps: LostDeps): void {
  async function manage(
    ctx: TurnContext,
    data: unknown,
    step: 'acknowledge' | 'resolve',
  ): Promise<AdaptiveCard | string> {
    try {
      const id = reportIdOf(data);
      const requester = await deps.identity.requester(ctx);
      const report =
        step === 'acknowledge'
          ? await deps.lost.desk.acknowledge(requester, id)
          : await deps.lost.desk.resolve(requester, id, (data as Record<string, unknown>).resolution);
      return report ? reportCard(deps, report) : `There is no report ${id}.`;
    } catch (error) {
      // A refusal keeps the card as it is for everyone, the clicker included, and says why.
      if (!(error instanceof DeskError)) return failureCard(deps, ctx, error);
      deps.logger.warn({ activityId: ctx.activity.id, code: error.code }, `lost report ${step} refused`);
      return error.userMessage;
    }
  }
  onCardVerb(app, 'lost.acknowledge', deps, (ctx, data) => manage(ctx, data, 'acknowledge'));
  onCardVerb(app, 'lost.resolve', deps, (ctx, data) => manage(ctx, data, 'resolve'));

  // Open device: the device card comes as a new message; the report card stays, buttons and all.
  onCardVerb(app, 'lost.openDevice', deps, async (ctx, data) => {
    const requester = await deps.identity.requester(ctx);
    const report = await deps.lost.desk.show(requester, reportIdOf(data));
    if (!report) return 'I know no lost-device report with that id that you can see.';
    await replyWithCard(ctx, await openCard(deps, requester, report.device.id, 'device.open'));
    return reportCard(deps, report);
  });

  // Open on the `reports` list: the report's own card as a new message; the list stays.
  onCardVerb(app, 'lost.show', deps, async (ctx, data) => {
    const requester = await deps.identity.requester(ctx);
    const id = reportIdOf(data);
    const report = await deps.lost.desk.show(requester, id);
    if (!report) return `There is no report ${id}.`;
    await replyWithCard(ctx, reportCard(deps, report));
    return reportListCard(await reportList(deps, requester, ctx.activity.id), deps.view);
  });
}

async function reportList(deps: LostDeps, requester: Requester, auditId?: string): Promise<ReportListCardData> {
  const open = await deps.lost.desk.listOpen(requester, auditId);
  const now = deps.clock.now();
  const more = open.length > LIST_LIMIT ? `; the first ${LIST_LIMIT} shown` : '';
  return {
    title: 'Open lost-device reports',
    subtitle: open.length ? `${open.length} open, oldest first${more}.` : 'No open reports. 🎉',
    rows: open.slice(0, LIST_LIMIT).map((r) => ({ reportId: r.id, line: reportLine(r, now) })),
    footer: 'Open shows a report with its Acknowledge and Resolve buttons (or type `report ‹id›`).',
  };
}

/** `reports` / `report LR-…`. */
function registerReportLists(app: Application<TurnState>, deps: LostDeps): void {
  app.message(textMatches(REPORTS), async (ctx) => {
    const requester = await deps.identity.requester(ctx);
    await replyWithCard(ctx, reportListCard(await reportList(deps, requester, ctx.activity.id), deps.view));
  });

  app.message(textMatches(SHOW_REPORT), async (ctx) => {
    const id = (SHOW_REPORT.exec(messageText(ctx))?.[1] ?? '').toUpperCase();
    const requester = await deps.identity.requester(ctx);
    const report = await deps.lost.desk.show(requester, id);
    await replyWithCard(
      ctx,
      report
        ? reportCard(deps, report)
        : warningCard(`No report ${id}`, 'I know no lost-device report with that id that you can see.', deps.view),
    );
  });
}
