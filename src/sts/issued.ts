import { type ChangeFact, documentDigest } from '../audit/index.js';
import type { Principal, XmlNode } from '../core/index.js';
import type { SessionClaims } from '../iam/index.js';
import { ISSUED_CLAIMS } from './issue.js';

/**
 * The `change` of an STS call that issued credentials (docs/audit.md `change.issued`), read
 * generically from the answer and the claims its `<Credentials>` node carries out of the XML
 * (issue.ts credentialsXml; no token is opened again): session id, temporary access key id,
 * parent, role, session name, expiration, session policy digest. Never the secret or the token.
 */
export function issuedChange(
  action: string,
  req: { readonly principal: Principal; readonly params: URLSearchParams },
  result: XmlNode,
): ChangeFact | undefined {
  const r = result as Record<string, unknown>;
  const c = r.Credentials as Record<string, unknown> | undefined;
  const accessKeyId = c?.AccessKeyId;
  if (typeof accessKeyId !== 'string' || c === undefined) return undefined;
  const claims = (c as { [ISSUED_CLAIMS]?: SessionClaims })[ISSUED_CLAIMS];
  const p = req.principal;
  const parent =
    claims?.federated !== undefined ? claims.federated.userId : p.kind === 'anonymous' ? undefined : p.arn;
  const roleArn = req.params.get('RoleArn') ?? undefined;
  const assumed = (r.AssumedRoleUser as Record<string, unknown> | undefined)?.Arn;
  const policy = req.params.get('Policy');
  const arns: string[] = [];
  for (let i = 1; i <= 10; i++) {
    const arn = req.params.get(`PolicyArns.member.${i}.arn`);
    if (arn === null) break;
    arns.push(arn);
  }
  const expiration =
    claims !== undefined
      ? new Date(claims.expiresAt).toISOString()
      : typeof c?.Expiration === 'string'
        ? c.Expiration
        : undefined;
  const sessionId = claims?.sessionId;
  // Assigned field by field: spreading conditional objects costs more than the rest of this.
  const issued: Record<string, unknown> = {};
  if (sessionId !== undefined) issued.sessionId = sessionId;
  issued.accessKeyId = accessKeyId;
  if (parent !== undefined) issued.parent = parent;
  if (claims?.parentAccessKey !== undefined) issued.parentAccessKey = claims.parentAccessKey;
  if (roleArn !== undefined) issued.roleArn = roleArn;
  if (typeof assumed === 'string') issued.assumedRoleArn = assumed;
  if (claims?.sessionName !== undefined) issued.sessionName = claims.sessionName;
  if (expiration !== undefined) issued.expiration = expiration;
  if (policy !== null && policy !== '') issued.sessionPolicy = documentDigest(policy);
  if (arns.length > 0) issued.policyArns = arns;
  return {
    action,
    target: sessionId === undefined ? { type: 'session' } : { type: 'session', name: sessionId },
    issued,
  };
}
