export * from './emulator';
export * from './directory';
