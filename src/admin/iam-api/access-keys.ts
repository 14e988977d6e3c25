import { TesseraError, type XmlNode } from '../../core/index.js';
import type { IamServiceAccount, ServiceAccountParent } from '../../iam/index.js';
import {
  createExtras,
  extraXml,
  keyInfoXml,
  keyStatus as statusOf,
  updateExtras,
} from './access-key-extras.js';
import type { AccessCheck } from './authz.js';
import { type Call, collection, type Handler, type Subject, subjectOf, subjectTarget, user } from './call.js';
import { pageRequest, paginate, truncation } from './paging.js';
import { isoDate, members } from './xml.js';

/**
 * AWS access keys of a user = that user's service accounts (docs/iam.md "IAM Query API"); for
 * the account root (no UserName, signed as root) = root's service accounts. Tessera extensions:
 * the service-account fields as extra parameters and elements (access-key-extras.ts), and
 * GetAccessKeyInfo.
 */
/**
 * Authorizes `action` on the subject the call names (UserName, or the caller), then returns it
 * with the stored spelling of the user's name (NoSuchEntity when the user is missing).
 */
async function authorizedSubject(
  call: Call,
  check: Omit<AccessCheck, 'target'>,
): Promise<{ subject: Subject; parent: ServiceAccountParent }> {
  const wanted = subjectOf(call);
  const target = await call.authorize({ ...check, target: subjectTarget(wanted) });
  if (wanted.type === 'root') return { subject: wanted, parent: { type: 'root' } };
  const found = await call.iam.users.get(call.account, target.name);
  return { subject: { type: 'user', name: found.name }, parent: { type: 'user', name: found.name } };
}

/** A chosen access key that could also be a user name (`[\w+=,.@-]{1,64}`). */
function couldBeUserName(key: string): boolean {
  return key.length <= 64 && /^[\w+=,.@-]+$/.test(key);
}

/**
 * Access keys and user names share one namespace (a MinIO-style user signs with its name as the
 * access key), so choosing an access key reserves that name. Reserving a name is creating it:
 * a chosen key that could be a user name needs iam:CreateUser (admin:CreateUser) on that user as
 * well, so a caller who may only manage its own keys cannot squat a future user's name.
 */
async function authorizeChosenKey(call: Call, accessKey: string | undefined): Promise<void> {
  if (accessKey === undefined || !couldBeUserName(accessKey)) return;
  await call.authorize({ action: 'iam:CreateUser', target: user(accessKey), admin: ['admin:CreateUser'] });
}

function owns(sa: IamServiceAccount, parent: ServiceAccountParent): boolean {
  if (sa.parent.type !== parent.type) return false;
  return sa.parent.type === 'root' || (parent.type === 'user' && sa.parent.name === parent.name);
}

/** The key, if it belongs to the subject; NoSuchEntity otherwise (never says whose it is). */
async function ownedKey(call: Call, parent: ServiceAccountParent, id: string): Promise<IamServiceAccount> {
  const sa = await call.iam.serviceAccounts.get(call.account, id);
  if (!owns(sa, parent)) {
    throw new TesseraError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
  }
  return sa;
}

function userNameXml(s: Subject): { UserName?: string } {
  return s.type === 'user' ? { UserName: s.name } : {};
}

const createAccessKey: Handler = async (call) => {
  const { subject, parent } = await authorizedSubject(call, {
    action: 'iam:CreateAccessKey',
    admin: ['admin:CreateServiceAccount'],
  });
  const extras = createExtras(call.params);
  await authorizeChosenKey(call, extras.accessKey);
  const sa = await call.iam.serviceAccounts.create(call.account, { ...extras, parent });
  return {
    AccessKey: {
      ...userNameXml(subject),
      AccessKeyId: sa.accessKey,
      Status: statusOf(sa, Date.now()),
      SecretAccessKey: sa.secretKey,
      CreateDate: isoDate(sa.createdAt),
      ...extraXml(sa),
    },
  };
};

const updateAccessKey: Handler = async (call) => {
  const p = call.params;
  const id = p.required('AccessKeyId');
  const extras = updateExtras(p);
  // AWS requires Status; Tessera lets an update of the extension fields leave it out.
  const status =
    Object.keys(extras).length === 0
      ? p.requiredOneOf('Status', ['Active', 'Inactive'] as const)
      : p.oneOf('Status', ['Active', 'Inactive'] as const);
  const { parent } = await authorizedSubject(call, {
    action: 'iam:UpdateAccessKey',
    admin: ['admin:UpdateServiceAccount'],
  });
  await ownedKey(call, parent, id);
  await call.iam.serviceAccounts.update(call.account, id, {
    ...extras,
    ...(status === undefined ? {} : { status: status === 'Active' ? 'enabled' : 'disabled' }),
  });
  return undefined;
};

const deleteAccessKey: Handler = async (call) => {
  const id = call.params.required('AccessKeyId');
  const { parent } = await authorizedSubject(call, {
    action: 'iam:DeleteAccessKey',
    admin: ['admin:RemoveServiceAccount'],
  });
  await ownedKey(call, parent, id);
  await call.iam.serviceAccounts.delete(call.account, id);
  return undefined;
};

const listAccessKeys: Handler = async (call) => {
  const req = pageRequest(call.params);
  const { subject, parent } = await authorizedSubject(call, {
    action: 'iam:ListAccessKeys',
    admin: ['admin:ListServiceAccounts'],
  });
  const keys = await call.iam.serviceAccounts.list(call.account, parent);
  const page = paginate(keys, (k) => k.accessKey, req);
  const now = Date.now();
  const rows = page.items.map((k) => ({
    ...userNameXml(subject),
    AccessKeyId: k.accessKey,
    Status: statusOf(k, now),
    CreateDate: isoDate(k.createdAt),
    ...extraXml(k),
  }));
  return { AccessKeyMetadata: members(rows), ...truncation(page) };
};

/**
 * GetAccessKeyLastUsed: Tessera does not record when a key was last used, so it answers as AWS
 * does for a key never used: ServiceName and Region `N/A`, no LastUsedDate.
 */
const getAccessKeyLastUsed: Handler = async (call): Promise<XmlNode> => {
  const id = call.params.required('AccessKeyId');
  const sa = await call.iam.serviceAccounts.get(call.account, id).catch(() => undefined);
  const owner: Subject | undefined =
    sa === undefined ? undefined : sa.parent.type === 'root' ? { type: 'root' } : sa.parent;
  await call.authorize({
    action: 'iam:GetAccessKeyLastUsed',
    target: owner === undefined ? anyUser(call) : subjectTarget(owner),
    admin: ['admin:ListServiceAccounts'],
  });
  if (owner === undefined) {
    throw new TesseraError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
  }
  return { ...userNameXml(owner), AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
};

/** The key and its owner, or undefined when the key is missing (in this account). */
async function keyOwner(
  call: Call,
  id: string,
): Promise<{ sa: IamServiceAccount; owner: Subject } | undefined> {
  const sa = await call.iam.serviceAccounts.get(call.account, id).catch(() => undefined);
  if (sa === undefined) return undefined;
  return { sa, owner: sa.parent.type === 'root' ? { type: 'root' } : sa.parent };
}

/**
 * GetAccessKeyInfo (Tessera extension): one key's owner, status, name, description, expiry and
 * embedded policy (URL-encoded), never its secret. Authorized as ListAccessKeys on the owner;
 * authorization comes before "no such key", so a denied caller learns nothing.
 */
const getAccessKeyInfo: Handler = async (call): Promise<XmlNode> => {
  const id = call.params.required('AccessKeyId');
  const found = await keyOwner(call, id);
  const owner = await call.authorize({
    action: 'iam:ListAccessKeys',
    target: found === undefined ? anyUser(call) : subjectTarget(found.owner),
    admin: ['admin:ListServiceAccounts'],
  });
  if (found === undefined) {
    throw new TesseraError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
  }
  return keyInfoXml(found.sa, owner.arn, Date.now());
};

/** The resource of a call about a key that does not exist: any user. */
function anyUser(call: Call) {
  return collection(call.iam.arns.user(call.account, '*'));
}

export const accessKeyHandlers: Record<string, Handler> = {
  CreateAccessKey: createAccessKey,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  ListAccessKeys: listAccessKeys,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
  GetAccessKeyInfo: getAccessKeyInfo,
};
