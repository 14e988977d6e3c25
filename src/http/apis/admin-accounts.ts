import { TesseraError } from '../../core/index.js';
import type { AccountDirectory } from '../../iam/index.js';
import type { S3Response } from '../../s3/index.js';
import type { Exchange, Trace } from '../exchange.js';
import { type AdminCallerOptions, authenticateAdminCaller } from './admin-caller.js';

/** `tessera admin account …` (docs/accounts.md): accounts and what tells whether one owns buckets. */
export interface AccountsAdmin {
  readonly directory: AccountDirectory;
  /** How many buckets the account owns. */
  readonly bucketCount: (account: string) => Promise<number>;
}

export const ACCOUNTS_PATH = '/minio/admin/v3/tessera/accounts';

type Options = AdminCallerOptions;

function json(status: number, value: unknown): S3Response {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** Only the deployment root (the default account's root, or its unnarrowed session) manages accounts. */
async function requireDeploymentRoot(o: Options, x: Exchange, trace: Trace): Promise<void> {
  const { principal: p } = await authenticateAdminCaller(o, x, trace);
  // The root, or a session of it with the root's full permissions (the console signs in with
  // one): a session policy may narrow what it can do, so a narrowed session is refused here.
  const root =
    p.kind === 'root' ||
    (p.kind === 'session' && p.parent.kind === 'root' && (p.sessionPolicies?.length ?? 0) === 0);
  if (!root || p.account !== '') {
    trace.authz = { decision: 'deny', reason: 'implicitDeny' };
    throw new TesseraError('AccessDenied');
  }
  trace.authz = { decision: 'allow', reason: 'root' };
}

function nameOf(x: Exchange): string {
  const name = x.query.get('name');
  if (name === null || name === '') throw new TesseraError('InvalidArgument', 'name is required.');
  return name;
}

/**
 * `POST …/tessera/accounts?name=N` creates (its root secret is in this answer only), `GET` lists,
 * `GET ?name=N` describes (with what it owns), `DELETE ?name=N` removes an account that owns
 * no bucket and no IAM entity (DeleteConflict otherwise).
 */
export async function serveAccounts(
  o: Options,
  admin: AccountsAdmin,
  x: Exchange,
  trace: Trace,
): Promise<S3Response> {
  const method = x.req.method ?? 'GET';
  trace.operation =
    method === 'POST'
      ? 'AdminAddAccount'
      : method === 'DELETE'
        ? 'AdminRemoveAccount'
        : x.query.has('name')
          ? 'AdminAccountInfo'
          : 'AdminListAccounts';
  if (method !== 'POST' && method !== 'GET' && method !== 'DELETE')
    throw new TesseraError('MethodNotAllowed');
  await requireDeploymentRoot(o, x, trace);
  const d = admin.directory;
  if (method === 'POST') return json(200, await d.create(nameOf(x)));
  if (method === 'GET' && !x.query.has('name')) return json(200, { accounts: await d.list() });
  const account = await d.get(nameOf(x));
  const buckets = await admin.bucketCount(account.id);
  if (method === 'GET')
    return json(200, { ...account, owns: { buckets, ...(await d.holdings(account.id)) } });
  if (buckets > 0) {
    throw new TesseraError(
      'DeleteConflict',
      `Cannot delete account ${account.name}: it still owns ${buckets} bucket${buckets === 1 ? '' : 's'}.`,
    );
  }
  await d.remove(account.id);
  return json(200, { id: account.id, name: account.name, removed: true });
}
