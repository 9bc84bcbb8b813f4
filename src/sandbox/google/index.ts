export { startGoogleEmulator, DEFAULT_EMULATOR_CUSTOMER_ID, DEFAULT_EMULATOR_TOKEN } from './emulator';
export type { GoogleEmulator, GoogleEmulatorControl, GoogleEmulatorOptions } from './emulator';
export type { EmulatorStats } from './traffic';
export type { InjectedFault, GoogleErrorBody } from './google-errors';
export { createSchemaValidator } from './schema-validator';
export type { SchemaValidator } from './schema-validator';
