import filedTemplate from '../../cards/lost-filed.json';
import pickTemplate from '../../cards/lost-pick.json';
import reportTemplate from '../../cards/lost-report.json';
import listTemplate from '../../cards/report-list.json';
import type { CardText } from './markdown';
import { AdaptiveCard, CardView, expandCard, type Fact } from './render';

export interface LostReportButton {
  /** action.request: an action on the reported device, through its usual confirmation and checks. */
  verb: 'lost.acknowledge' | 'lost.resolve' | 'action.request';
  title: string;
  /** found | replaced for lost.resolve, '' otherwise. */
  resolution: string;
  /** The catalogue action for action.request, '' otherwise. */
  action: string;
  style: 'default' | 'positive';
}

export interface LostReportCardData {
  reportId: string;
  deviceId: string;
  title: string;
  subtitle: string;
  badge: { label: string; style: string };
  summary: string;
  facts: Fact[];
  history: string[];
  buttons: LostReportButton[];
  footer: string;
}

/** The report as the help desk sees it: state, device, reporter, history, and what can be done. */
export function lostReportCard(data: LostReportCardData, view: CardView): AdaptiveCard {
  return expandCard(reportTemplate, data, view);
}

export interface LostPickCardData {
  title: string;
  text: string;
  choices: Array<{ title: string; value: string }>;
  /** Device id pre-selected ('' for none). */
  selected: string;
  kind: 'lost' | 'stolen';
  footer: string;
}

/** The reporter picks which of their devices is lost and says when and where. */
export function lostPickCard(data: LostPickCardData, view: CardView): AdaptiveCard {
  return expandCard(pickTemplate, data, view);
}

export interface LostFiledCardData {
  title: string;
  text: string;
  color: 'Good' | 'Default';
  facts: Fact[];
  steps: string[];
  deviceId: string;
  /** Self-service actions offered to the reporter (through the device actions' confirmation). */
  buttons: Array<{ action: string; title: string }>;
  footer: string;
}

/** What the reporter gets back: the report id, what happens next, and self-service if allowed. */
export function lostFiledCard(data: LostFiledCardData, view: CardView): AdaptiveCard {
  return expandCard(filedTemplate, data, view);
}

export interface ReportListCardData {
  title: string;
  subtitle: string;
  /** One line per report, each with an Open button that posts the report's own card. */
  rows: Array<{ reportId: string; line: CardText }>;
  footer?: string;
}

/** `reports`: the open reports, each one a click from its card with Acknowledge and Resolve. */
export function reportListCard(data: ReportListCardData, view: CardView): AdaptiveCard {
  return expandCard(listTemplate, { ...data, footer: data.footer ?? '' }, view);
}
