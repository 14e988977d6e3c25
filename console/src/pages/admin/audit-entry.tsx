import type { AuditEntry } from '../../api/admin.js';
import { When } from './common.js';

/** Authentication failure reasons (docs/audit.md `auth.failureReason`) in words. */
const FAILURES: Record<string, string> = {
  'unknown-key': 'the access key is not known',
  'bad-signature': 'the signature does not match (wrong secret key?)',
  expired: 'the presigned URL has expired',
  'not-yet-valid': 'the presigned URL is not valid yet',
  'clock-skew': 'the client’s clock is too far from the server’s',
  'expired-token': 'the session token has expired',
  'bad-token': 'the session token is not valid',
  revoked: 'the session was revoked',
  'missing-date': 'the request carries no date',
  'unsigned-headers': 'headers that must be signed were not',
  malformed: 'the credentials are malformed',
  unsupported: 'the signing method is not supported',
};

export function principalOf(e: AuditEntry): string {
  return e.auth?.principalArn ?? e.parentUser ?? e.accessKey ?? e.auth?.principalType ?? '—';
}

function statementText(s: { policy: string; index: number; sid?: string; effect: string }): string {
  return `${s.effect} by ${s.policy} statement #${s.index}${s.sid ? ` (Sid ${s.sid})` : ''}`;
}

/** Why the request was decided as it was, from its `auth` and `authz`. */
export function explain(e: AuditEntry): string[] {
  const out: string[] = [];
  const a = e.auth;
  const z = e.authz;
  if (a?.outcome === 'failure') {
    const r = a.failureReason ?? e.error ?? 'unknown';
    out.push(
      `Authentication failed: ${FAILURES[r] ?? r}. The request was refused before any policy was evaluated.`,
    );
    return out;
  }
  if (a?.outcome === 'anonymous') out.push('The request was anonymous (not signed).');
  else if (a?.principalArn) out.push(`Signed by ${a.principalArn}${a.kind ? ` (${a.kind})` : ''}.`);
  const check =
    z?.actions && z.actions.length > 0
      ? `${z.actions.join(', ')} on ${(z.resources ?? []).join(', ') || 'no resource'}`
      : 'the request';
  switch (z?.reason) {
    case 'allowed':
      out.push(`Allowed: ${check}.`);
      break;
    case 'root':
      out.push('Allowed without evaluation: the account root may do everything.');
      break;
    case 'explicitDeny':
      out.push(`Denied by an explicit Deny: ${check}.`);
      break;
    case 'implicitDeny':
      out.push(`Denied: no statement allowed ${check} (implicit deny).`);
      break;
    case 'anonymous-denied':
      out.push(`Denied: anonymous requests are not allowed ${check}.`);
      break;
    case 'denied':
      out.push('Refused before evaluation (the API needs credentials, or the caller may never do this).');
      break;
    default:
      if (z?.decision === 'none')
        out.push('Never reached authorization (the request was malformed or failed earlier).');
  }
  for (const s of z?.statements ?? []) out.push(statementText(s));
  if (e.api?.errorCode) out.push(`Answered ${e.api.statusCode ?? ''} ${e.api.errorCode}.`);
  return out;
}

export function Decision({ e }: { e: AuditEntry }) {
  const d = e.authz?.decision ?? 'none';
  return (
    <span className={d === 'allow' ? 'ok' : d === 'deny' ? 'deny' : 'muted'}>
      {d}
      {e.authz?.reason ? <small> ({e.authz.reason})</small> : null}
    </span>
  );
}

export function AuditDetail({ e }: { e: AuditEntry }) {
  return (
    <div className="audit-detail">
      <h3>Why</h3>
      <ul aria-label="Explanation">
        {explain(e).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <dl className="facts">
        <dt>Time</dt>
        <dd>
          <When iso={e.time} />
        </dd>
        <dt>Decision</dt>
        <dd>
          <Decision e={e} />
        </dd>
        <dt>Auth kind</dt>
        <dd>{e.auth?.kind ?? '—'}</dd>
        {e.auth?.failureReason ? (
          <>
            <dt>Failure reason</dt>
            <dd>
              <code>{e.auth.failureReason}</code>
            </dd>
          </>
        ) : null}
        <dt>Principal</dt>
        <dd>
          <code>{principalOf(e)}</code>{' '}
          {e.auth?.principalType ? <small>({e.auth.principalType})</small> : null}
        </dd>
        <dt>Access key</dt>
        <dd>
          <code>{e.accessKey ?? e.auth?.accessKey ?? '—'}</code>
        </dd>
        <dt>Request</dt>
        <dd>
          <code>
            {e.requestMethod} {e.requestPath}
          </code>
        </dd>
        <dt>Request id</dt>
        <dd>
          <code>{e.requestID}</code>
        </dd>
      </dl>
      {e.auth?.principalArn && /:user\//.test(e.auth.principalArn) && e.authz?.decision === 'deny' ? (
        <p>
          <a
            href={`#/simulator?principal=${encodeURIComponent(e.auth.principalArn)}&action=${encodeURIComponent(
              e.authz.actions?.[0] ?? '',
            )}&resource=${encodeURIComponent(e.authz.resources?.[0] ?? '')}`}
          >
            Simulate this request
          </a>
        </p>
      ) : null}
      <details>
        <summary>Raw entry (JSON)</summary>
        <pre className="json raw-entry">{JSON.stringify(e, null, 2)}</pre>
      </details>
    </div>
  );
}
