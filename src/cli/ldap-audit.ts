import type { AuditEvent, AuditTarget } from '../audit/index.js';
import { newRequestId } from '../core/index.js';
import type { LdapSyncChange } from '../sts/index.js';

/**
 * The audit entry of one change the LDAP directory sync made (docs/audit.md "Administrative
 * changes", docs/ldap.md "Directory sync"): MinIO's `trigger: internal`, API `LDAPSync`, the
 * directory user as the target, what the directory reported and what the sync did.
 */
export function ldapSyncEvent(c: LdapSyncChange, deploymentId: string, arn: string, now: number): AuditEvent {
  return {
    time: new Date(now).toISOString(),
    deploymentId,
    requestId: newRequestId(),
    api: 'LDAPSync',
    request: { method: 'INTERNAL', path: '', query: {}, headers: {} },
    response: { headers: {} },
    auth: { kind: 'internal', principalType: 'internal', identitySource: `ldap:${c.directory}` },
    authz: { decision: 'none' },
    status: 200,
    bytesIn: 0,
    bytesOut: 0,
    change: {
      action: 'LDAPSync',
      target: { type: 'user', name: c.user, arn },
      parameters: { directory: c.directory, outcome: c.outcome },
      after: { directoryState: c.state, sessionsRevoked: c.outcome === 'removed' },
    },
    timings: { totalMs: 0 },
    trigger: 'internal',
  };
}

/** The sync's onChange hook writing each change to the audit targets (none: no hook). */
export function ldapSyncAuditor(
  audit: AuditTarget | undefined,
  deploymentId: string,
  arnOf: (user: string) => string,
): ((c: LdapSyncChange) => void) | undefined {
  if (audit === undefined) return undefined;
  return (c) => audit.write(ldapSyncEvent(c, deploymentId, arnOf(c.user), Date.now()));
}
