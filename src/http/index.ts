export { HttpRefusal, readJsonBody } from './read-json-body';
export { activityProblem, activityTypeLabel } from './activity-shape';
export { holdAnswer, publicError, type HeldAnswer } from './adapter-response';
export { bearerMatches, metricsAnswer, startMetricsServer } from './metrics-endpoint';
