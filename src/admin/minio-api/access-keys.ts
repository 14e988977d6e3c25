import { isTesseraError, TesseraError } from '../../core/index.js';
import type { IamServiceAccount, ServiceAccountParent } from '../../iam/index.js';
import { callerSubject } from '../iam-api/call.js';
import { type Call, collection, encrypted, type Handler, user } from './call.js';

/**
 * Newer madmin-go's access-key calls over Tessera's users and service accounts:
 * `list-access-keys-bulk` (ListAccessKeysBulk) and `info-access-key` (InfoAccessKey). Tessera
 * stores no temporary credentials (sessions are self-contained tokens), so no stsKeys are ever
 * listed and a temporary key is never found (docs/minio-compat.md).
 */

/** Whom the caller acts for (a session or service account: its parent user), or undefined. */
export function callerParent(call: Call): ServiceAccountParent | undefined {
  if (call.principal.kind === 'anonymous') return undefined;
  try {
    const s = callerSubject(call.principal);
    return s.type === 'root' ? { type: 'root' } : { type: 'user', name: s.name };
  } catch (e) {
    if (isTesseraError(e, 'ValidationError')) return undefined;
    throw e;
  }
}

function sameParent(a: ServiceAccountParent | undefined, b: ServiceAccountParent): boolean {
  if (a === undefined) return false;
  if (a.type === 'root' || b.type === 'root') return a.type === b.type;
  return a.name.toLowerCase() === b.name.toLowerCase();
}

/** MinIO's name of a parent: the user, or the root access key (`root` to anyone else). */
function parentName(call: Call, p: ServiceAccountParent): string {
  if (p.type === 'user') return p.name;
  return call.principal.kind === 'root' ? call.principal.name : 'root';
}

/** The parent's own policies merged (MinIO's answer for a key without an embedded policy). */
export async function parentPolicy(call: Call, parent: ServiceAccountParent): Promise<string> {
  const names =
    parent.type === 'root'
      ? ['consoleAdmin']
      : [
          ...(await call.iam.policies.listAttached(call.account, 'user', parent.name)),
          ...(
            await Promise.all(
              (
                await call.iam.groups.forUser(call.account, parent.name)
              )
                .filter((g) => g.status === 'enabled')
                .map((g) => call.iam.policies.listAttached(call.account, 'group', g.name)),
            )
          ).flat(),
        ].map((p) => p.name);
  const statements: unknown[] = [];
  for (const n of [...new Set(names)]) {
    const doc = JSON.parse(await call.iam.policies.document(call.account, n)) as { Statement?: unknown };
    statements.push(...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]));
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** madmin.ServiceAccountInfo of a stored service account. */
function keyInfo(call: Call, sa: IamServiceAccount) {
  return {
    parentUser: parentName(call, sa.parent),
    accountStatus: sa.status === 'enabled' ? 'on' : 'off',
    impliedPolicy: sa.policy === undefined,
    accessKey: sa.accessKey,
    ...(sa.name === undefined ? {} : { name: sa.name }),
    ...(sa.description === undefined ? {} : { description: sa.description }),
    ...(sa.expiresAt === undefined ? {} : { expiration: new Date(sa.expiresAt).toISOString() }),
  };
}

const LIST_TYPES: Readonly<Record<string, { sts: boolean; svcacc: boolean }>> = {
  'users-only': { sts: false, svcacc: false },
  'sts-only': { sts: true, svcacc: false },
  'svcacc-only': { sts: false, svcacc: true },
  all: { sts: true, svcacc: true },
};

/**
 * GET list-access-keys-bulk?listType=&users=…|all=true → E({user: {serviceAccounts, stsKeys}}).
 * As MinIO: `all` needs admin:ListUsers; naming users needs admin:ListServiceAccounts; the
 * caller's own keys (no users, not all) are listed unless a policy explicitly denies it. Users
 * that do not exist are left out; with svcacc-only (sts-only) a user without such keys too.
 */
export const listAccessKeysBulk: Handler = async (call) => {
  const users = call.req.query.getAll('users').filter((u) => u !== '');
  const all = call.param('all') === 'true';
  if (all && users.length > 0)
    throw new TesseraError('InvalidRequest', 'Give either users or all, not both.');
  const type = LIST_TYPES[call.param('listType')];
  if (type === undefined) throw new TesseraError('InvalidRequest', 'invalid list type');
  const usersArn = call.iam.arns.user(call.account, '');
  const me = callerParent(call);
  const selfOnly = !all && users.length === 0;
  if (all)
    await call.authorize({
      action: 'iam:ListUsers',
      target: collection(usersArn),
      admin: ['admin:ListUsers'],
    });
  let parents: ServiceAccountParent[];
  if (selfOnly) {
    if (me === undefined || call.principal.kind === 'serviceAccount')
      throw new TesseraError('XMinioIAMActionNotAllowed');
    await call.refuseIfDenied(
      'admin:ListServiceAccounts',
      me.type === 'root' ? call.iam.arns.root(call.account) : call.iam.arns.user(call.account, me.name),
    );
    parents = [me];
  } else {
    await call.authorize({
      action: 'iam:ListAccessKeys',
      target: collection(usersArn),
      admin: ['admin:ListServiceAccounts'],
    });
    if (all) {
      parents = [
        ...(await call.iam.users.list(call.account)).map(
          (u): ServiceAccountParent => ({ type: 'user', name: u.name }),
        ),
        { type: 'root' },
      ];
    } else {
      parents = [];
      for (const name of new Set(users)) {
        try {
          const u = await call.iam.users.get(call.account, name);
          parents.push({ type: 'user', name: u.name });
        } catch (e) {
          if (!isTesseraError(e, 'NoSuchEntity')) throw e;
        }
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const p of parents) {
    // Tessera keeps no temporary credentials to list: stsKeys is always empty (null, as Go's nil).
    if (type.sts && !type.svcacc) continue;
    let serviceAccounts: unknown[] | null = null;
    if (type.svcacc) {
      const keys = await call.iam.serviceAccounts.list(call.account, p);
      if (keys.length === 0 && !type.sts) continue;
      serviceAccounts = keys.length === 0 ? null : keys.map((k) => keyInfo(call, k));
    }
    out[parentName(call, p)] = { serviceAccounts, stsKeys: null };
  }
  return encrypted(call, out);
};

/**
 * GET info-access-key?accessKey= (the caller's own key when empty) → E(InfoAccessKeyResp): a
 * service account's info, as info-service-account plus `AccessKey`, `userType` and
 * `userProvider`. As MinIO: another user's key needs admin:ListServiceAccounts (AccessDenied
 * otherwise, also for a key that does not exist); a user's own secret key or a temporary key is
 * XMinioAdminNoSuchAccessKey (Tessera stores no temporary credentials).
 */
export const infoAccessKey: Handler = async (call) => {
  if (call.principal.kind === 'anonymous') throw new TesseraError('AccessDenied');
  const accessKey = call.param('accessKey') || call.principal.accessKey;
  let sa: IamServiceAccount | undefined;
  try {
    sa = await call.iam.serviceAccounts.get(call.account, accessKey);
  } catch (e) {
    if (!isTesseraError(e, 'NoSuchEntity')) throw e;
  }
  if (sa === undefined || !sameParent(callerParent(call), sa.parent)) {
    await call.authorize({
      action: 'iam:ListAccessKeys',
      target:
        sa === undefined
          ? collection(call.iam.arns.user(call.account, ''))
          : sa.parent.type === 'root'
            ? { kind: 'root' }
            : user(sa.parent.name),
      admin: ['admin:ListServiceAccounts'],
    });
  }
  if (sa === undefined) throw new TesseraError('XMinioAdminNoSuchAccessKey');
  const { accessKey: _, ...info } = keyInfo(call, sa);
  return encrypted(call, {
    AccessKey: sa.accessKey,
    ...info,
    policy: sa.policy ?? (await parentPolicy(call, sa.parent)),
    userType: 'Service Account',
    userProvider: 'builtin',
    ldapSpecificInfo: {},
    openIDSpecificInfo: {},
  });
};
