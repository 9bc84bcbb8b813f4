/** What the bulk cards say, from a run and its progress: words only, no I/O. */
import { type DeviceAction, REASON_LABELS } from '../src/actions';
import { BulkCounts, BulkResultRow, BulkRun, BulkTarget, SKIP_REASONS, SkipReason } from '../src/actions/bulk';
import { quote } from './reply';
import type { BulkApprovalCardData, BulkPreviewCardData, BulkProgressCardData, Fact, Section } from './cards';

export const SKIP_HEADINGS: Record<SkipReason, string> = {
  'not-found': 'Not found',
  ambiguous: 'Ambiguous',
  'wrong-state': 'Wrong state',
  'out-of-scope': 'Outside your scope',
  'no-permission': 'Lacking permission',
};

/** Lines of one reason shown on a card; the rest are counted (a card holds about 28 KB). */
const LINES_PER_SECTION = 8;
const TARGETS_SHOWN = 15;
const RESULT_LINES = 25;

const time = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function targetsLine(targets: Pick<BulkTarget, 'serialNumber'>[]): string {
  if (targets.length === 0) return '';
  const shown = targets
    .slice(0, TARGETS_SHOWN)
    .map((t) => t.serialNumber)
    .join(', ');
  return targets.length > TARGETS_SHOWN
    ? `${shown} … and ${(targets.length - TARGETS_SHOWN).toLocaleString('en')} more`
    : shown;
}

function skipSections(run: BulkRun): Section[] {
  const sections: Section[] = [];
  for (const reason of SKIP_REASONS) {
    const entries = run.skipped.filter((s) => s.reason === reason);
    if (entries.length === 0) continue;
    // Entries are what someone typed: shown as plain words, never as markdown.
    const lines = entries.slice(0, LINES_PER_SECTION).map((s) => `• ${quote(s.detail, 300)}`);
    if (entries.length > LINES_PER_SECTION) lines.push(`… and ${entries.length - LINES_PER_SECTION} more`);
    sections.push({ heading: `${SKIP_HEADINGS[reason]} (${entries.length})`, lines });
  }
  return sections;
}

function countFacts(run: BulkRun): Fact[] {
  const facts: Fact[] = [{ title: 'Will act on', value: plural(run.total, 'device') }];
  for (const reason of SKIP_REASONS) {
    const n = run.skipped.filter((s) => s.reason === reason).length;
    if (n > 0) facts.push({ title: SKIP_HEADINGS[reason], value: String(n) });
  }
  if (run.duplicates > 0) facts.push({ title: 'Repeated entries', value: `${run.duplicates} (ignored)` });
  if (run.blanks > 0) facts.push({ title: 'Blank entries', value: `${run.blanks} (ignored)` });
  return facts;
}

function paramsText(run: BulkRun): string {
  if (run.params.reason) return ` · reason: ${REASON_LABELS[run.params.reason]}`;
  if (run.params.delaySeconds !== undefined) return ` · delay ${run.params.delaySeconds} s`;
  return '';
}

export function previewCardData(
  run: BulkRun,
  targets: BulkTarget[],
  action: DeviceAction,
  now: number,
  interactive: boolean,
  refreshFor?: string,
): BulkPreviewCardData {
  const overLimit = run.total > run.limit;
  const expired = run.state === 'preview' && now > run.previewExpiresAt;
  let notice: string;
  let tone: BulkPreviewCardData['tone'] = 'ready';
  let primaryVerb: BulkPreviewCardData['primaryVerb'] = '';
  let primaryLabel = '';
  if (run.state !== 'preview') {
    notice =
      run.state === 'cancelled'
        ? 'Cancelled: nothing was run.'
        : run.state === 'awaiting-approval'
          ? `Waiting for approval in the help desk channel${run.approval?.expiresAt ? ` until ${time(run.approval.expiresAt)}` : ''}. ${run.requester.name} can still cancel it.`
          : `This run is ${run.state}.`;
    tone = run.state === 'cancelled' ? 'blocked' : 'approval';
  } else if (run.total === 0) {
    // An org unit Google Admin does not have never gets here: the listing is refused first.
    notice = run.source.startsWith('ou:')
      ? `Nothing in ${run.source} or below can be acted on: nothing will run.`
      : 'None of these devices can be acted on: nothing will run.';
    tone = 'blocked';
  } else if (overLimit) {
    notice = `Over your limit: you may act on at most ${run.limit} devices in one run and this list has ${run.total}. Split it and send the parts.`;
    tone = 'blocked';
  } else if (expired) {
    notice = 'This preview has expired: send the bulk command again.';
    tone = 'blocked';
  } else if (run.approval) {
    notice = `${run.approval.why} Ask for approval: the request goes to the help desk channel.`;
    tone = 'approval';
    primaryVerb = 'bulk.askApproval';
    primaryLabel = 'Ask for approval';
  } else {
    notice = `Nothing has happened yet. Start to act on ${plural(run.total, 'device')}.`;
    primaryVerb = 'bulk.start';
    primaryLabel = `${action.label}: ${plural(run.total, 'device')}`;
  }
  const open = run.state === 'preview' && !expired && interactive;
  return {
    runId: run.id,
    title: `Bulk ${action.label}: ${plural(run.total, 'device')}`,
    // States come from the last sync (reading thousands of devices fresh would spend the quota); Google re-checks each one.
    subtitle: `From ${run.source}${paramsText(run)}. Nothing has been sent to any device yet; states are as of the last sync and Google checks each device again.`,
    facts: countFacts(run),
    targets: targetsLine(targets),
    sections: skipSections(run),
    warnings: action.warnings,
    notice,
    tone,
    footer: previewFooter(run, interactive),
    destructive: action.destructive,
    primaryVerb: open ? primaryVerb : '',
    primaryLabel,
    cancellable: interactive && (run.state === 'preview' || run.state === 'awaiting-approval'),
    refreshFor,
  };
}

/** "██████░░░░ 60 %" — a bar every client renders, in a monospace block. */
export function progressBar(counts: BulkCounts, width = 20): string {
  const finished = counts.done + counts.failed + counts.unknown + (counts.approval ?? 0) + (counts.skipped ?? 0);
  const share = counts.total === 0 ? 1 : finished / counts.total;
  const full = Math.round(share * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)} ${Math.floor(share * 100)} %`;
}

function decidedLine(run: BulkRun): string {
  const a = run.approval;
  if (!a?.decidedBy) return '';
  return ` · ${a.decision === 'approved' ? 'approved' : 'rejected'} by ${a.decidedBy.name}`;
}

/** The results link, when the bot knows its public address. */
export function downloadUrlOf(run: BulkRun, baseUrl: string | undefined): string {
  if (!baseUrl || !run.downloadToken) return '';
  return `${baseUrl.replace(/\/+$/, '')}/api/bulk/${run.id}/results.csv?token=${encodeURIComponent(run.downloadToken)}`;
}

export function progressCardData(
  run: BulkRun,
  counts: BulkCounts,
  action: DeviceAction,
  rows?: BulkResultRow[],
  baseUrl?: string,
): BulkProgressCardData {
  const finished = run.state === 'completed';
  const facts: Fact[] = [
    { title: 'Done', value: String(counts.done) },
    { title: 'Failed', value: String(counts.failed) },
    ...(counts.unknown > 0 ? [{ title: 'Unknown', value: String(counts.unknown) }] : []),
    ...(counts.skipped ? [{ title: 'Skipped (out of your scope now)', value: String(counts.skipped) }] : []),
    ...(counts.approval ? [{ title: 'Waiting for approval', value: String(counts.approval) }] : []),
    { title: 'Pending', value: String(counts.pending) },
    { title: 'Devices', value: String(counts.total) },
  ];
  const sections: Section[] = [];
  if (rows) {
    // Problems first: they are what someone has to look at.
    const order = (r: BulkResultRow) =>
      r.result === 'failed' || r.result === 'unknown' || r.result === 'waiting for approval'
        ? 0
        : r.result === 'done'
          ? 2
          : 1;
    const ranked = rows.filter((r) => r.deviceId).sort((a, b) => order(a) - order(b));
    const lines = ranked
      .slice(0, RESULT_LINES)
      .map((r) => `• ${r.serialNumber}: ${r.result}${r.detail ? ` — ${r.detail}` : ''}`);
    if (ranked.length > RESULT_LINES)
      lines.push(`… and ${ranked.length - RESULT_LINES} more${baseUrl ? ' in the CSV file' : ''}`);
    sections.push({ heading: 'Results per device', lines });
    const skippedCount = rows.length - ranked.length;
    if (skippedCount > 0)
      sections.push({
        heading: 'Not run',
        lines: [
          `${plural(skippedCount, 'entry', 'entries')} left out at the preview${baseUrl ? ' (listed in the CSV file)' : ''}.`,
        ],
      });
  }
  const problems = counts.failed + counts.unknown;
  const waiting = counts.approval ? `, ${counts.approval} waiting for approval` : '';
  const title = finished
    ? `Bulk ${action.label}: finished — ${counts.done} done${waiting}${problems ? `, ${problems} need attention` : ''}`
    : `Bulk ${action.label}: ${run.state === 'queued' ? 'queued' : 'running'}`;
  return {
    title,
    subtitle: `${plural(counts.total, 'device')} from ${run.source}${paramsText(run)}${finished && run.note ? ` · ${run.note}` : ''}`,
    bar: progressBar(counts),
    facts,
    sections,
    footer: `Run ${run.id} · requested by ${run.requester.name}${decidedLine(run)}${run.startedAt ? ` · started ${time(run.startedAt)}` : ''}${run.finishedAt ? ` · finished ${time(run.finishedAt)}` : ''}`,
    tone: !finished ? 'running' : problems ? 'problem' : 'good',
    downloadUrl: finished ? downloadUrlOf(run, baseUrl) : '',
  };
}

/**
 * Who may do what, and the one expiry that counts now: the preview's, or the approval's once it
 * was asked for. Where the client shows no buttons, the words to type instead.
 */
function previewFooter(run: BulkRun, interactive: boolean): string {
  const waiting = run.state === 'awaiting-approval';
  const until = waiting
    ? run.approval?.expiresAt !== undefined
      ? ` · the approval request expires at ${time(run.approval.expiresAt)}`
      : ''
    : run.state === 'preview'
      ? ` · the preview expires at ${time(run.previewExpiresAt)}`
      : '';
  const typed =
    !interactive && (run.state === 'preview' || waiting)
      ? ` · no buttons? ${run.requester.name} types \`${waiting ? 'cancel' : 'start'} ${run.id}\`${waiting ? '' : ` or \`cancel ${run.id}\``}`
      : '';
  return `Run ${run.id} · only ${run.requester.name} can start or cancel it${until}${typed}`;
}

export function approvalCardData(
  run: BulkRun,
  targets: BulkTarget[],
  action: DeviceAction,
  now: number,
): BulkApprovalCardData {
  const a = run.approval;
  const expired = run.state === 'awaiting-approval' && a?.expiresAt !== undefined && now > a.expiresAt;
  let status: string;
  if (run.state === 'awaiting-approval')
    status = expired ? 'Expired: nothing was run.' : `Waiting for a second person holding "${action.permission}".`;
  else if (a?.decision === 'approved') status = `Approved by ${a.decidedBy?.name}: running.`;
  else if (a?.decision === 'rejected') status = `Rejected by ${a.decidedBy?.name}: nothing was run.`;
  else if (run.state === 'cancelled') status = `Cancelled by ${run.requester.name}: nothing was run.`;
  else if (run.state === 'expired') status = 'Expired: nobody approved it in time, so nothing was run.';
  else status = `This run is ${run.state}.`;
  return {
    runId: run.id,
    title: `Approval needed: ${action.label} on ${plural(run.total, 'device')}`,
    text: `${run.requester.name} wants to run ${action.label} on ${plural(run.total, 'device')} (from ${run.source}${paramsText(run)}). ${a?.why ?? ''}`,
    facts: countFacts(run),
    targets: targetsLine(targets),
    warnings: action.warnings,
    status,
    footer: `Run ${run.id} · ${run.requester.name} can't approve their own run${a?.expiresAt ? ` · expires at ${time(a.expiresAt)}` : ''} · no buttons? type \`approve ${run.id}\` or \`reject ${run.id}\``,
    open: run.state === 'awaiting-approval' && !expired,
  };
}
