export {
  FABRIKAM_DOMAIN,
  FABRIKAM_PEOPLE,
  FABRIKAM_TENANT_ID,
  SANDBOX_DIRECTORY,
  SANDBOX_DOMAIN,
  SANDBOX_PEOPLE,
  SANDBOX_TENANT_ID,
  type SandboxPerson,
} from './people';
export { fabrikamFleet, sandboxFleet, sandboxIntuneFleet, SANDBOX_ORG_UNITS, type IntuneFleetDevice } from './fleet';
export { DEFAULT_EMULATOR_TOKEN, startGoogleEmulator, type GoogleEmulator, type GoogleEmulatorControl } from './google';
export { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, startGraphEmulator, type GraphEmulator } from './graph';
