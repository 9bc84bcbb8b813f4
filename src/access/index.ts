export * from './permissions';
export * from './access-file';
export * from './resolver';
export * from './scope';
export * from './requester';
export { Guard, type GuardTarget } from './guard';
export { LostPolicyGuard, SELF_SERVICE_PERMISSIONS } from './lost-policy-guard';
