import type { AuditActor } from './types';

/** A person as the audit trail names them: ids and name, never their roles or anything else. */
export function actorOf(person: AuditActor): AuditActor {
  return { teamsId: person.teamsId, aadObjectId: person.aadObjectId, upn: person.upn, name: person.name };
}
