export { SANDBOX_DOMAIN, SANDBOX_PEOPLE, SANDBOX_TENANT_ID, type SandboxPerson } from './people';
export { sandboxFleet, sandboxIntuneFleet, type IntuneFleetDevice } from './fleet';
export { startGoogleEmulator, type GoogleEmulator, type GoogleEmulatorControl } from './google';
export { startGraphEmulator, type GraphEmulator } from './graph';
