import { MemoryInventory } from '../../src/inventory/memory-inventory';
import { inventoryContract } from './inventory-contract';

describe('MemoryInventory', () => {
  inventoryContract(async () => new MemoryInventory());
});
