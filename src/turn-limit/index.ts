import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { MemoryTurnLimiter } from './memory-turn-limiter';
import { RedisTurnLimiter } from './redis-turn-limiter';
import type { TurnLimiter, TurnLimits } from './types';

export * from './types';
export { MemoryTurnLimiter } from './memory-turn-limiter';
export { RedisTurnLimiter } from './redis-turn-limiter';

/** Shared through Redis when there is one, else this process's own. */
export function createTurnLimiter(options: {
  limits: TurnLimits;
  clock: Clock;
  redis?: Redis;
  prefix?: string;
}): TurnLimiter {
  if (options.redis)
    return new RedisTurnLimiter(options.redis, options.prefix ?? 'desk:turn-limit:', options.limits, options.clock);
  return new MemoryTurnLimiter(options.limits, options.clock);
}
