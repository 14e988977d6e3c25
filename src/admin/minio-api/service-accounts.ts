import { isTesseraError, TesseraError } from '../../core/index.js';
import type { IamServiceAccount, ServiceAccountParent } from '../../iam/index.js';
import { callerSubject } from '../iam-api/call.js';
import { type Call, encrypted, type Handler, jsonObject, minio, ok, stringField, user } from './call.js';

/**
 * MinIO's service-account calls (madmin-go 2.0.7's request and answer shapes, every body
 * encrypted). As in MinIO, a user manages its own service accounts unless a policy explicitly
 * denies the admin action; another user's need the admin action (or its IAM equivalent) on
 * that user. A service account cannot manage service accounts.
 */

/** Whom the caller acts for: root, or a user (a session acts for its parent user). */
function self(call: Call): ServiceAccountParent {
  const p = call.principal;
  if (p.kind === 'serviceAccount' || p.kind === 'anonymous')
    throw new TesseraError('XMinioIAMActionNotAllowed');
  try {
    const s = callerSubject(p);
    return s.type === 'root' ? { type: 'root' } : { type: 'user', name: s.name };
  } catch (e) {
    if (isTesseraError(e, 'ValidationError')) throw new TesseraError('XMinioIAMActionNotAllowed');
    throw e;
  }
}

function same(a: ServiceAccountParent, b: ServiceAccountParent): boolean {
  if (a.type === 'root' || b.type === 'root') return a.type === b.type;
  return a.name.toLowerCase() === b.name.toLowerCase();
}

function parentArn(call: Call, p: ServiceAccountParent): string {
  return p.type === 'root' ? call.iam.arns.root(call.account) : call.iam.arns.user(call.account, p.name);
}

/**
 * Authorizes an action on `parent`'s service accounts: the caller's own (DenyOnly), or anyone's
 * with the admin action / IAM action on the parent. Returns the parent as stored.
 */
async function authorizeFor(
  call: Call,
  parent: ServiceAccountParent,
  action: string,
  admin: string,
): Promise<ServiceAccountParent> {
  const me = self(call);
  if (same(me, parent)) {
    await call.refuseIfDenied(admin, parentArn(call, me));
    return me;
  }
  const target = await call.authorize({
    action,
    target: parent.type === 'root' ? { kind: 'root' } : user(parent.name),
    admin: [admin],
  });
  if (parent.type === 'root') return parent;
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchUser');
  return { type: 'user', name: target.name };
}

/** The service account named by `accessKey` (XMinioAdminServiceAccountNotFound). */
async function named(call: Call): Promise<IamServiceAccount> {
  const key = call.param('accessKey');
  if (key === '') throw new TesseraError('XMinioAdminInvalidArgument', 'accessKey is required.');
  return minio(() => call.iam.serviceAccounts.get(call.account, key), 'XMinioAdminServiceAccountNotFound');
}

/** A key, if the caller may act on it; otherwise not found (never says whose it is, as MinIO). */
async function owned(call: Call, action: string, admin: string): Promise<IamServiceAccount> {
  const sa = await named(call);
  try {
    await authorizeFor(call, sa.parent, action, admin);
  } catch (e) {
    if (isTesseraError(e, 'AccessDenied')) throw new TesseraError('XMinioAdminServiceAccountNotFound');
    throw e;
  }
  return sa;
}

/** A JSON policy of a request (madmin sends it as raw JSON), as a string; undefined when absent. */
function policyOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new TesseraError('XMinioAdminConfigBadJSON', 'policy must be a JSON policy document.');
  return Object.keys(v).length === 0 ? undefined : JSON.stringify(v);
}

/** MinIO's account status words (`on` / `off`); Tessera's enabled / disabled are taken too. */
function statusOf(v: string): 'enabled' | 'disabled' | undefined {
  if (v === '') return undefined;
  if (v === 'on' || v === 'enabled') return 'enabled';
  if (v === 'off' || v === 'disabled') return 'disabled';
  throw new TesseraError('XMinioAdminInvalidArgument', 'newStatus must be on or off.');
}

/** An RFC 3339 time of newer madmin-go's `expiration` fields (epoch ms); undefined when absent. */
function timeOf(o: Record<string, unknown>, name: string): number | undefined {
  const v = stringField(o, name, 'XMinioAdminConfigBadJSON');
  if (v === '' || v.startsWith('0001-01-01')) return undefined;
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(t))
    throw new TesseraError('XMinioAdminInvalidArgument', `${name} must be an RFC 3339 time.`);
  return t;
}

/** A chosen key that could be a user name reserves that name: it needs admin:CreateUser (docs/iam.md). */
async function authorizeChosenKey(call: Call, key: string): Promise<void> {
  if (key === '' || key.length > 64 || !/^[\w+=,.@-]+$/.test(key)) return;
  await call.authorize({ action: 'iam:CreateUser', target: user(key), admin: ['admin:CreateUser'] });
}

/** PUT add-service-account with E({policy, targetUser, accessKey, secretKey, comment}) → E({credentials}). */
export const addServiceAccount: Handler = async (call) => {
  const req = jsonObject(await call.decrypted(), 'XMinioAdminConfigBadJSON');
  const targetUser = stringField(req, 'targetUser', 'XMinioAdminConfigBadJSON');
  const accessKey = stringField(req, 'accessKey', 'XMinioAdminConfigBadJSON');
  const secretKey = stringField(req, 'secretKey', 'XMinioAdminConfigBadJSON');
  const comment = stringField(req, 'comment', 'XMinioAdminConfigBadJSON');
  // Newer madmin-go's fields (2.0.7 sends none of them): name, description, expiration.
  const name = stringField(req, 'name', 'XMinioAdminConfigBadJSON');
  const description = stringField(req, 'description', 'XMinioAdminConfigBadJSON') || comment;
  const expiresAt = timeOf(req, 'expiration');
  const policy = policyOf(req.policy);
  const wanted: ServiceAccountParent = targetUser === '' ? self(call) : { type: 'user', name: targetUser };
  const parent = await authorizeFor(call, wanted, 'iam:CreateAccessKey', 'admin:CreateServiceAccount');
  await authorizeChosenKey(call, accessKey);
  const sa = await minio(
    () =>
      call.iam.serviceAccounts.create(call.account, {
        parent,
        ...(accessKey === '' ? {} : { accessKey }),
        ...(secretKey === '' ? {} : { secretKey }),
        ...(policy === undefined ? {} : { policy }),
        ...(name === '' ? {} : { name }),
        ...(description === '' ? {} : { description }),
        ...(expiresAt === undefined ? {} : { expiresAt }),
      }),
    'XMinioAdminNoSuchUser',
  );
  const credentials = {
    accessKey: sa.accessKey,
    secretKey: sa.secretKey,
    ...(sa.expiresAt === undefined ? {} : { expiration: new Date(sa.expiresAt).toISOString() }),
  };
  return {
    ...(await encrypted(call, { credentials })),
    change: {
      action: 'AddServiceAccount',
      target: { type: 'serviceAccount', name: sa.accessKey },
      parameters: { parent: parent.type === 'root' ? 'root' : parent.name, policy: policy !== undefined },
    },
  };
};

/** POST update-service-account?accessKey= with E({newPolicy, newSecretKey, newStatus, newComment}) → 204. */
export const updateServiceAccount: Handler = async (call) => {
  const sa = await owned(call, 'iam:UpdateAccessKey', 'admin:UpdateServiceAccount');
  const req = jsonObject(await call.decrypted(), 'XMinioAdminConfigBadJSON');
  const newSecretKey = stringField(req, 'newSecretKey', 'XMinioAdminConfigBadJSON');
  const newStatus = statusOf(stringField(req, 'newStatus', 'XMinioAdminConfigBadJSON'));
  const newComment = stringField(req, 'newComment', 'XMinioAdminConfigBadJSON');
  const newName = stringField(req, 'newName', 'XMinioAdminConfigBadJSON');
  const newDescription = stringField(req, 'newDescription', 'XMinioAdminConfigBadJSON') || newComment;
  const newExpiration = timeOf(req, 'newExpiration');
  const newPolicy = policyOf(req.newPolicy);
  await minio(
    () =>
      call.iam.serviceAccounts.update(call.account, sa.accessKey, {
        ...(newSecretKey === '' ? {} : { secretKey: newSecretKey }),
        ...(newStatus === undefined ? {} : { status: newStatus }),
        ...(newName === '' ? {} : { name: newName }),
        ...(newDescription === '' ? {} : { description: newDescription }),
        ...(newExpiration === undefined ? {} : { expiresAt: newExpiration }),
        ...(newPolicy === undefined ? {} : { policy: newPolicy }),
      }),
    'XMinioAdminServiceAccountNotFound',
  );
  return {
    ...ok(204),
    change: {
      action: 'UpdateServiceAccount',
      target: { type: 'serviceAccount', name: sa.accessKey },
      parameters: {
        secretKeyChanged: newSecretKey !== '',
        policyChanged: newPolicy !== undefined,
        ...(newStatus === undefined ? {} : { status: newStatus }),
      },
    },
  };
};

/** The parent's own policies merged (MinIO's answer for an account without an embedded policy). */
async function impliedPolicy(call: Call, parent: ServiceAccountParent): Promise<string> {
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

/** GET info-service-account?accessKey= → E({parentUser, accountStatus, impliedPolicy, policy, comment}). */
export const infoServiceAccount: Handler = async (call) => {
  const sa = await owned(call, 'iam:ListAccessKeys', 'admin:ListServiceAccounts');
  const parentUser =
    sa.parent.type === 'user'
      ? sa.parent.name
      : call.principal.kind === 'root'
        ? call.principal.name
        : 'root';
  return encrypted(call, {
    parentUser,
    accountStatus: sa.status === 'enabled' ? 'on' : 'off',
    impliedPolicy: sa.policy === undefined,
    policy: sa.policy ?? (await impliedPolicy(call, sa.parent)),
    comment: sa.description ?? '',
    // Newer madmin-go reads these too.
    ...(sa.name === undefined ? {} : { name: sa.name }),
    ...(sa.description === undefined ? {} : { description: sa.description }),
    ...(sa.expiresAt === undefined ? {} : { expiration: new Date(sa.expiresAt).toISOString() }),
  });
};

/** GET list-service-accounts?user= (the caller when empty) → E({accounts: [accessKey…]}). */
export const listServiceAccounts: Handler = async (call) => {
  const name = call.param('user');
  const wanted: ServiceAccountParent = name === '' ? self(call) : { type: 'user', name };
  const parent = await authorizeFor(call, wanted, 'iam:ListAccessKeys', 'admin:ListServiceAccounts');
  const keys = await call.iam.serviceAccounts.list(call.account, parent);
  return encrypted(call, { accounts: keys.map((k) => k.accessKey) });
};

/** DELETE delete-service-account?accessKey= → 204. */
export const deleteServiceAccount: Handler = async (call) => {
  const sa = await owned(call, 'iam:DeleteAccessKey', 'admin:RemoveServiceAccount');
  await minio(
    () => call.iam.serviceAccounts.delete(call.account, sa.accessKey),
    'XMinioAdminServiceAccountNotFound',
  );
  return {
    ...ok(204),
    change: { action: 'DeleteServiceAccount', target: { type: 'serviceAccount', name: sa.accessKey } },
  };
};
