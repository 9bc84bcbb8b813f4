import template from '../../cards/confirm.json';
import { AdaptiveCard, CardView, expandCard } from './render';

export interface ConfirmCardData {
  confirmationId: string;
  /** e.g. "Factory reset 5CD123ABC?" */
  title: string;
  /** What happens, in one or two sentences. */
  impact: string;
  facts: Array<{ title: string; value: string }>;
  warnings: string[];
  destructive: boolean;
  confirmLabel: string;
  /** Deprovision: the reason picker, with the reason already given (or ''). */
  askReason: boolean;
  reason: string;
  reasons: Array<{ title: string; value: string }>;
  /** Intune wipe: the options the platform offers, as switches (the requester's view only). */
  toggles?: Array<{ id: string; title: string; value: 'true' | 'false' }>;
  /** Intune lost mode: the lock screen's text, editable in the requester's view. */
  askLostMode?: boolean;
  lostModeMessage?: string;
  lostModePhone?: string;
  lostModeFooter?: string;
  /** Who may confirm and until when. */
  footer: string;
  /** Only the requester's view has the buttons; everyone else's is read-only. */
  interactive: boolean;
  /** The requester's Teams id: their client asks for the interactive view by itself. */
  refreshFor?: string;
}

/** The confirmation card; `refresh` gives the requester the buttons and nobody else. */
export function confirmCard(data: ConfirmCardData, view: CardView): AdaptiveCard {
  const card = expandCard(
    template,
    {
      toggles: [],
      askLostMode: false,
      lostModeMessage: '',
      lostModePhone: '',
      lostModeFooter: '',
      ...data,
      titleColor: data.destructive ? 'Attention' : 'Default',
      confirmStyle: data.destructive ? 'destructive' : 'positive',
    },
    view,
  );
  if (data.refreshFor) {
    card.refresh = {
      action: {
        type: 'Action.Execute',
        title: 'Refresh',
        verb: 'action.view',
        data: { confirmationId: data.confirmationId },
      },
      userIds: [data.refreshFor],
    };
  }
  return card;
}
