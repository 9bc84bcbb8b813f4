import { MemoryTurnLimiter } from '../../src/turn-limit';
import { turnLimiterContract } from './turn-limiter-contract';

turnLimiterContract('MemoryTurnLimiter', (limits, clock) => new MemoryTurnLimiter(limits, clock));
