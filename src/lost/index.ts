export * from './types';
export {
  createLostReportStore,
  MemoryLostReportStore,
  RedisLostReportStore,
  randomReportId,
  REPORT_ID,
  type LostReportStore,
} from './report-store';
export {
  EMPTY_ROSTER,
  loadRoster,
  onCallAt,
  parseRoster,
  type OnCallRoster,
  type Responder,
  type Shift,
} from './roster';
export {
  DEFAULT_LOST_SETTINGS,
  deviceLabel,
  LOST_ESCALATION_JOB,
  LostReportService,
  type Change,
  type FileInput,
  type FileOutcome,
  type LostNotifier,
  type LostServiceDeps,
  type LostSettings,
} from './lost-service';
export { LOST_DEVICE_ACTIONS, LostActionObserver } from './action-observer';
export { matchesHint, parseLostIntent, type DeviceHint, type LostIntent } from './intent';
export {
  LostReportDesk,
  MANAGE_REPORTS,
  personOf,
  type FileResult,
  type FoundResult,
  type ReportDeskDeps,
  type ReportInput,
} from './report-desk';
