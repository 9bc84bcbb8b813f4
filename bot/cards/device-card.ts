import template from '../../cards/device.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface DeviceFact {
  title: string;
  value: string;
}

export interface DeviceButton {
  /** Catalogue action id, sent back as data.action. */
  action: string;
  title: string;
  style: 'default' | 'destructive';
  /** secondary: in the card's … menu (Adaptive Cards 1.5), for what is rarely needed. */
  mode: 'primary' | 'secondary';
}

export interface StatusBadge {
  label: string;
  /** Container style: good, attention, warning, emphasis. */
  style: string;
  /** Colour of the note under the title; the badge itself keeps the theme's default text. */
  color: string;
  /** One line under the title explaining what the status means, or ''. */
  note: string;
}

export interface DeviceCardData {
  deviceId: string;
  title: string;
  subtitle: string;
  status: StatusBadge;
  facts: DeviceFact[];
  buttons: DeviceButton[];
  /** Where the data came from and when, e.g. "Read from Google at …". */
  readNote: string;
}

/** The device card; Refresh is always there, the other buttons only as given. */
export function deviceCard(data: DeviceCardData, view: CardView): AdaptiveCard {
  return expandCard(template, data, view);
}
