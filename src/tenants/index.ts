export { Tenants, TenantNotConnected, type TenantConnections } from './tenants';
export { loadTenantsFile, parseTenantsFile, type TenantEntry } from './tenants-file';
