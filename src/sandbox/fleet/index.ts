export { generateFleet, milestoneOf } from './generate-fleet';
export type { FleetOptions, FleetPerson } from './generate-fleet';
export {
  fabrikamFleet,
  sandboxFleet,
  SANDBOX_FLEET_SEED,
  SANDBOX_FLEET_SIZE,
  SANDBOX_ORG_UNITS,
} from './sandbox-fleet';
export { createRandom, seedFrom } from './random';
export type { Random } from './random';
export type { FleetDevice, FleetRecentUser, DeviceBehaviour, Connectivity } from './types';
export { sandboxIntuneFleet, type IntuneDeviceBehaviour, type IntuneFleetDevice } from './intune-fleet';
