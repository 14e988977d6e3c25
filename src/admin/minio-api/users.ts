import { TesseraError } from '../../core/index.js';
import { type IamUser, validateSecretKey, validateUserName } from '../../iam/index.js';
import { callerSubject } from '../iam-api/call.js';
import { callerParent } from './access-keys.js';
import {
  type Call,
  collection,
  encrypted,
  type Handler,
  json,
  jsonObject,
  minio,
  ok,
  status,
  stringField,
  user,
} from './call.js';

/** madmin.UserInfo as MinIO renders it: policies comma-joined, the groups, the last change. */
async function userInfo(call: Call, u: IamUser) {
  const [policies, groups] = await Promise.all([
    call.iam.policies.listAttached(call.account, 'user', u.name),
    call.iam.groups.forUser(call.account, u.name),
  ]);
  return {
    ...(policies.length === 0 ? {} : { policyName: policies.map((p) => p.name).join(',') }),
    status: u.status,
    ...(groups.length === 0 ? {} : { memberOf: groups.map((g) => g.name) }),
    updatedAt: new Date(u.updatedAt).toISOString(),
  };
}

/** The user named by `accessKey`; the root's own key is never a user (MinIO: not for the admin user). */
function accessKeyOf(call: Call): string {
  const name = call.param('accessKey');
  if (name === '') throw new TesseraError('XMinioAdminInvalidArgument', 'accessKey is required.');
  if (call.principal.kind === 'root' && name === call.principal.name)
    throw new TesseraError('XMinioAdminInvalidArgument', 'The root credential is not a user.');
  return name;
}

/** Runs a directory name check, answering MinIO's `code` (with the check's reason) when it fails. */
function valid(
  check: () => unknown,
  code: 'XMinioAdminInvalidAccessKey' | 'XMinioAdminInvalidSecretKey',
): void {
  try {
    check();
  } catch (e) {
    throw new TesseraError(code, e instanceof Error ? e.message : undefined);
  }
}

/**
 * PUT add-user?accessKey= with E({secretKey, status}): creates the user, or sets its secret and
 * status. As MinIO: a user naming itself (madmin's SetUser on its own key, changing its password)
 * needs no admin action unless admin:CreateUser (or iam:CreateUser) is explicitly denied; a
 * session or service account naming its parent user is XMinioInvalidIAMCredentials.
 */
export const addUser: Handler = async (call) => {
  const name = accessKeyOf(call);
  const p = call.principal;
  const same = (n: string) => n.toLowerCase() === name.toLowerCase();
  const parent = p.kind === 'session' || p.kind === 'serviceAccount' ? callerParent(call) : undefined;
  if (parent?.type === 'user' && same(parent.name)) throw new TesseraError('XMinioInvalidIAMCredentials');
  const self = p.kind === 'user' && same(p.name);
  if (self) {
    const arn = call.iam.arns.user(call.account, p.name);
    await call.refuseIfDenied('admin:CreateUser', arn);
    await call.refuseIfDenied('iam:CreateUser', arn);
  }
  const target = self
    ? { name: p.name, exists: true }
    : await call.authorize({ action: 'iam:CreateUser', target: user(name), admin: ['admin:CreateUser'] });
  const req = jsonObject(await call.decrypted(), 'XMinioAdminConfigBadJSON');
  const secretKey = stringField(req, 'secretKey', 'XMinioAdminConfigBadJSON');
  const wanted = stringField(req, 'status', 'XMinioAdminConfigBadJSON');
  const state = wanted === '' ? 'enabled' : status(wanted);
  if (!target.exists) valid(() => validateUserName(name), 'XMinioAdminInvalidAccessKey');
  if (secretKey !== '') valid(() => validateSecretKey(secretKey), 'XMinioAdminInvalidSecretKey');
  if (target.exists) {
    await minio(async () => {
      if (secretKey !== '') await call.iam.users.setSecret(call.account, target.name, secretKey);
      await call.iam.users.setStatus(call.account, target.name, state);
    }, 'XMinioAdminNoSuchUser');
  } else {
    if (secretKey === '') throw new TesseraError('XMinioAdminInvalidSecretKey', 'secretKey is required.');
    await minio(
      () => call.iam.users.create(call.account, { name, secretKey, status: state }),
      'XMinioAdminNoSuchUser',
    );
  }
  return {
    ...ok(),
    change: {
      action: 'AddUser',
      target: { type: 'user', name: target.exists ? target.name : name },
      parameters: { status: state, secretKeyChanged: secretKey !== '', ...(self ? { self: true } : {}) },
    },
  };
};

/** DELETE remove-user?accessKey=: the user goes with its memberships, policies and service accounts. */
export const removeUser: Handler = async (call) => {
  const name = accessKeyOf(call);
  const target = await call.authorize({
    action: 'iam:DeleteUser',
    target: user(name),
    admin: ['admin:DeleteUser'],
  });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchUser');
  await minio(
    () => call.iam.users.delete(call.account, target.name, { cascade: true }),
    'XMinioAdminNoSuchUser',
  );
  return {
    ...ok(),
    change: { action: 'RemoveUser', target: { type: 'user', name: target.name, arn: target.arn } },
  };
};

/** GET list-users: E({name: UserInfo}). */
export const listUsers: Handler = async (call) => {
  await call.authorize({
    action: 'iam:ListUsers',
    target: collection(call.iam.arns.user(call.account, '')),
    admin: ['admin:ListUsers'],
  });
  const out: Record<string, unknown> = {};
  for (const u of await call.iam.users.list(call.account)) out[u.name] = await userInfo(call, u);
  return encrypted(call, out);
};

/** GET user-info?accessKey=: a user may read its own (as in MinIO), others need admin:GetUser. */
export const getUserInfo: Handler = async (call) => {
  const name = accessKeyOf(call);
  const self = call.principal.kind === 'anonymous' ? undefined : callerSubject(call.principal);
  const own = self?.type === 'user' && self.name.toLowerCase() === name.toLowerCase();
  const target = own
    ? { name, exists: true }
    : await call.authorize({ action: 'iam:GetUser', target: user(name), admin: ['admin:GetUser'] });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchUser');
  const u = await minio(() => call.iam.users.get(call.account, target.name), 'XMinioAdminNoSuchUser');
  return json(await userInfo(call, u));
};

/** PUT set-user-status?accessKey=&status=enabled|disabled. */
export const setUserStatus: Handler = async (call) => {
  const name = accessKeyOf(call);
  const state = status(call.param('status'));
  const target = await call.authorize({
    action: 'iam:UpdateUser',
    target: user(name),
    admin: [state === 'enabled' ? 'admin:EnableUser' : 'admin:DisableUser'],
  });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchUser');
  await minio(() => call.iam.users.setStatus(call.account, target.name, state), 'XMinioAdminNoSuchUser');
  return {
    ...ok(),
    change: {
      action: 'SetUserStatus',
      target: { type: 'user', name: target.name },
      after: { status: state },
    },
  };
};
