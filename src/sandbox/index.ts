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
export { fabrikamFleet, sandboxFleet, sandboxIntuneFleet, type IntuneFleetDevice } from './fleet';
export { startGoogleEmulator, type GoogleEmulator, type GoogleEmulatorControl } from './google';
export { startGraphEmulator, type GraphEmulator } from './graph';
