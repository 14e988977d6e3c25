import { type SessionPrincipal, TesseraError } from '../../core/index.js';
import type { ServiceAccountParent } from '../../iam/index.js';
import { callerParent, parentPolicy } from './access-keys.js';
import { type Call, collection, encrypted, type Handler } from './call.js';

/** MinIO's errNoSuchTempAccount (its text), answered as XMinioAdminNoSuchUser. */
function notFound(): TesseraError {
  return new TesseraError('XMinioAdminNoSuchUser', 'Specified temporary account does not exist');
}

/** The session policies passed at issuance merged into one document. */
function merged(docs: readonly string[]): string {
  const statements: unknown[] = [];
  for (const d of docs) {
    const s = (JSON.parse(d) as { Statement?: unknown }).Statement;
    statements.push(...(Array.isArray(s) ? s : [s]));
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * GET temporary-account-info?accessKey= → E(TemporaryAccountInfoResp), authorized as MinIO's
 * admin:ListTemporaryAccounts. MinIO answers from its stored STS credentials; Tessera's sessions
 * are self-contained tokens stored nowhere, so only the session that signs the call can be
 * described (its token is the only record of it): the caller's own temporary key of a user or
 * root session. Any other key is not found (docs/minio-compat.md).
 */
export const temporaryAccountInfo: Handler = async (call) => {
  const accessKey = call.param('accessKey');
  if (accessKey === '') throw new TesseraError('InvalidRequest', 'accessKey is required.');
  await call.authorize({
    action: 'admin:ListTemporaryAccounts',
    target: collection(call.iam.arns.user(call.account, '')),
    admin: [],
  });
  const p = call.principal;
  if (p.kind !== 'session' || p.accessKey !== accessKey) throw notFound();
  const parent = callerParent(call);
  // A role's or a federated identity's session has no parent user to answer with.
  if (parent === undefined || (p.parent.kind !== 'root' && p.parent.kind !== 'user')) throw notFound();
  return encrypted(call, await describe(call, p, parent));
};

async function describe(call: Call, p: SessionPrincipal, parent: ServiceAccountParent) {
  const implied = p.sessionPolicies === undefined || p.sessionPolicies.length === 0;
  return {
    parentUser: parent.type === 'user' ? parent.name : p.parent.kind === 'root' ? p.parent.name : 'root',
    accountStatus: 'on',
    impliedPolicy: implied,
    policy: implied ? await parentPolicy(call, parent) : merged(p.sessionPolicies ?? []),
    expiration: new Date(p.expiresAt).toISOString(),
  };
}
