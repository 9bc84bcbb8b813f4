export { AUDIT_READ, AuditDesk, type AuditAnswer, type AuditDeskDeps } from './audit-desk';
