import template from '../../cards/device-list.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface DeviceListRow {
  deviceId: string;
  serial: string;
  model: string;
  user: string;
  status: string;
}

/** A Previous or Next button: the same search from another row. */
export interface ListPage {
  title: string;
  offset: number;
}

export interface DeviceListCardData {
  title: string;
  /** e.g. "11–20 of 37". */
  summary: string;
  rows: DeviceListRow[];
  hint?: string;
  /** What the page buttons search again for. */
  query?: string;
  kind?: string;
  /** The requester's own devices ("my devices"): a page is searched again for whoever clicks. */
  mine?: boolean;
  pages?: ListPage[];
}

/** Several matches: one row each with an Open button; nothing here acts on a device. */
export function deviceListCard(data: DeviceListCardData, view: CardView): AdaptiveCard {
  return expandCard(
    template,
    {
      ...data,
      hint: data.hint ?? '',
      query: data.query ?? '',
      kind: data.kind ?? '',
      mine: data.mine ? 'yes' : '',
      pages: data.pages ?? [],
    },
    view,
  );
}
