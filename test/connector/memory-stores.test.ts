import { MemoryDeleteConfirmationStore, MemoryConnectionStore, MemorySyncLock } from '../../src/connector';
import { connectorStoresContract } from './stores-contract';

describe('connector stores in memory', () => {
  connectorStoresContract(async () => ({
    store: new MemoryConnectionStore(),
    lock: new MemorySyncLock(),
    confirmations: new MemoryDeleteConfirmationStore(),
  }));
});
