export * from './types';
export { MemoryInventory } from './memory-inventory';
export { RedisInventory, type RedisInventoryOptions } from './redis-inventory';
export { syntheticDevices, type SyntheticDeviceOptions } from './synthetic-devices';
