export { HttpRefusal, readJsonBody } from './read-json-body';
export { activityProblem, activityTypeLabel } from './activity-shape';
export { holdAnswer, publicError, type HeldAnswer } from './adapter-response';
export { bearerMatches, metricsAnswer, startMetricsServer } from './metrics-endpoint';
export { TurnGate } from './turn-gate';
export { readiness, type Readiness, type ReadinessCheck } from './readiness';
export { reuseConnectorClients } from './connector-clients';
