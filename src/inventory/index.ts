export * from './types';
export { MATCH_KIND_ORDER } from './search-plan';
export { countedTotal } from './indexing';
export { MemoryInventory } from './memory-inventory';
export { RedisInventory, type RedisInventoryOptions } from './redis-inventory';
export { syntheticDevices, type SyntheticDeviceOptions } from './synthetic-devices';
export { fromChromeDevice } from './from-chrome';
