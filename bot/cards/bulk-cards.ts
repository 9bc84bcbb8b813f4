import approvalTemplate from '../../cards/bulk-approval.json';
import previewTemplate from '../../cards/bulk-preview.json';
import progressTemplate from '../../cards/bulk-progress.json';
import { AdaptiveCard, CardView, expandCard, type Fact } from './render';

export interface Section {
  heading: string;
  lines: string[];
}

export interface BulkPreviewCardData {
  runId: string;
  title: string;
  subtitle: string;
  facts: Fact[];
  /** The devices acted on, in short ("5CD1, 5CD2 … and 80 more"); '' for none. */
  targets: string;
  /** One per reason an entry is left out. */
  sections: Section[];
  warnings: string[];
  /** What happens next: ready, over the limit, needs approval, expired… */
  notice: string;
  tone: 'ready' | 'blocked' | 'approval';
  footer: string;
  destructive: boolean;
  /** '' for no primary button (the requester can't start it, or someone else's view). */
  primaryVerb: '' | 'bulk.start' | 'bulk.askApproval';
  primaryLabel: string;
  cancellable: boolean;
  /** The requester's Teams id: in shared conversations only their view gets the buttons. */
  refreshFor?: string;
}

const NOTICE_COLOR = { ready: 'Good', blocked: 'Attention', approval: 'Accent' } as const;

export function bulkPreviewCard(data: BulkPreviewCardData, view: CardView): AdaptiveCard {
  const card = expandCard(
    previewTemplate,
    {
      ...data,
      titleColor: data.destructive ? 'Attention' : 'Default',
      noticeColor: NOTICE_COLOR[data.tone],
      primaryStyle: data.destructive ? 'destructive' : 'positive',
    },
    view,
  );
  if (data.refreshFor) {
    card.refresh = {
      action: { type: 'Action.Execute', title: 'Refresh', verb: 'bulk.view', data: { runId: data.runId } },
      userIds: [data.refreshFor],
    };
  }
  return card;
}

export interface BulkProgressCardData {
  title: string;
  subtitle: string;
  /** A text bar with the share done, e.g. "██████░░░░ 60 %". */
  bar: string;
  facts: Fact[];
  sections: Section[];
  footer: string;
  tone: 'running' | 'good' | 'problem';
  /** Where every device's result can be downloaded as CSV; '' while running. */
  downloadUrl: string;
}

const PROGRESS_COLOR = { running: 'Default', good: 'Good', problem: 'Attention' } as const;

export function bulkProgressCard(data: BulkProgressCardData, view: CardView): AdaptiveCard {
  return expandCard(progressTemplate, { ...data, titleColor: PROGRESS_COLOR[data.tone] }, view);
}

export interface BulkApprovalCardData {
  runId: string;
  title: string;
  text: string;
  facts: Fact[];
  targets: string;
  warnings: string[];
  status: string;
  footer: string;
  /** Approve and Reject are offered while the request waits. */
  open: boolean;
}

export function bulkApprovalCard(data: BulkApprovalCardData, view: CardView): AdaptiveCard {
  return expandCard(approvalTemplate, data, view);
}
