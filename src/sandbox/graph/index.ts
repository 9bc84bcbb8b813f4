export * from './emulator';
export * from './directory';
export * from './managed-devices';
export * from './app-permissions';
