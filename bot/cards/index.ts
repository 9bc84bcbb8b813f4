/** Adaptive Cards: each card's template bound to its data, every bound text escaped for Markdown. */
export * from './action-status-card';
export * from './bulk-cards';
export * from './confirm-card';
export * from './connector-cards';
export * from './device-card';
export * from './device-list-card';
export * from './facts-card';
export * from './help-card';
export * from './intune-lock-view';
export * from './intune-pin-card';
export * from './lost-cards';
export * from './markdown';
export * from './message-card';
export * from './no-match-card';
export * from './render';
