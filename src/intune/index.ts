export * from './graph-http';
export * from './groups';
export * from './managed-device-types';
export * from './graph-managed-devices';
export * from './to-inventory';
export * from './intune-sync';
export * from './graph-permissions';
export * from './remote-lock-eligibility';
