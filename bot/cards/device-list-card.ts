import template from '../../cards/device-list.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface DeviceListRow {
  deviceId: string;
  serial: string;
  model: string;
  user: string;
  status: string;
}

export interface DeviceListCardData {
  title: string;
  /** e.g. "Showing 10 of 37". */
  summary: string;
  rows: DeviceListRow[];
  hint?: string;
}

/** Several matches: one row each with an Open button; nothing here acts on a device. */
export function deviceListCard(data: DeviceListCardData, view: CardView): AdaptiveCard {
  return expandCard(template, { ...data, hint: data.hint ?? '' }, view);
}
