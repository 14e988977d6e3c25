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
  const issued: Record<string, unknown> = {
    ...(sessionId === undefined ? {} : { sessionId }),
    accessKeyId,
    ...(parent === undefined ? {} : { parent }),
    ...(claims?.parentAccessKey === undefined ? {} : { parentAccessKey: claims.parentAccessKey }),
    ...(roleArn === undefined ? {} : { roleArn }),
    ...(typeof assumed === 'string' ? { assumedRoleArn: assumed } : {}),
    ...(claims?.sessionName === undefined ? {} : { sessionName: claims.sessionName }),
    ...(expiration === undefined ? {} : { expiration }),
    ...(policy === null || policy === '' ? {} : { sessionPolicy: documentDigest(policy) }),
    ...(arns.length === 0 ? {} : { policyArns: arns }),
  };
  return {
    action,
    target: { type: 'session', ...(sessionId === undefined ? {} : { name: sessionId }) },
    issued,
  };
}
