export * from './types';
export {
  parseBulkCommand,
  splitEntries,
  plainText,
  BULK_COMMAND,
  BULK_USAGE,
  type ParsedBulk,
  type BulkParseResult,
  type BulkEntries,
} from './parse-bulk';
export {
  CsvTooLarge,
  CsvUnreadable,
  entriesFromCsv,
  parseCsvRows,
  readCsvEntries,
  resultsCsv,
  resultsCsvStream,
  type CsvEntries,
} from './csv';
export {
  resolveEntries,
  resolveDevices,
  classify,
  type Resolution,
  type ResolveOptions,
  type ClassifyOptions,
} from './resolve';
export { classifyTargets, TargetRecheck, type TargetRecheckDeps } from './recheck';
export {
  createRateLimiter,
  MemoryRateLimiter,
  RedisRateLimiter,
  DEFAULT_GOOGLE_QUOTA_PER_MINUTE,
  BULK_QUOTA_SHARE,
  type RateLimiter,
  type LimiterOptions,
} from './rate-limiter';
export {
  createBulkRunStore,
  MemoryBulkRunStore,
  RedisBulkRunStore,
  RUN_ID,
  randomRunId,
  type BulkRunStore,
} from './run-store';
export {
  BulkRunner,
  BULK_JOB,
  BULK_STATUS_BATCH,
  DEFAULT_RUNNER_SETTINGS,
  resultRows,
  type BulkNotifier,
  type BulkRunnerDeps,
  type RunnerSettings,
} from './runner';
export {
  BulkService,
  DEFAULT_BULK_SETTINGS,
  sameUser,
  stateWords,
  type Actor,
  type BulkServiceDeps,
  type BulkSettings,
  type Source,
  type StepResult,
} from './service';
