import { TesseraError, type XmlNode } from '../../core/index.js';
import type { IamTarget } from '../../iam/index.js';
import type { Call, Handler } from './call.js';
import { isoDate } from './xml.js';

/** What SessionRevocations.revoke takes (iam: revocations.ts). */
type Target =
  | { kind: 'user'; name: string }
  | { kind: 'role'; name: string }
  | { kind: 'root' }
  | { kind: 'serviceAccount'; accessKey: string };

/** An AccessKeyId: root's, a user's (its name, in the default account) or a service account's. */
async function byAccessKey(call: Call, key: string): Promise<{ target: Target; authz: IamTarget }> {
  const found = await call.iam.lookupCredential(key);
  const p = found?.principal;
  if (p?.kind === 'root' && p.account === call.account)
    return { target: { kind: 'root' }, authz: { kind: 'root' } };
  if (p?.kind === 'user' && p.account === call.account)
    return { target: { kind: 'user', name: p.name }, authz: { kind: 'user', name: p.name } };
  // A service account (also a disabled one: its sessions already fail, revoking them is harmless).
  const sa = await call.iam.serviceAccounts.get(call.account, key);
  const authz: IamTarget =
    sa.parent.type === 'user' ? { kind: 'user', name: sa.parent.name } : { kind: 'root' };
  return { target: { kind: 'serviceAccount', accessKey: sa.accessKey }, authz };
}

/**
 * Tessera's RevokeSessions (docs/sts.md "Revocation"): exactly one of `UserName` (the user's
 * sessions and those of its access keys; a federated user's sessions), `AccessKeyId` (the sessions
 * asked for with that key) or `RoleName`; with `SessionId` (a session id or a temporary access key
 * id) only that session, else every session issued until now. Authorized as `iam:RevokeSessions`
 * on the user's, root's or role's ARN, or MinIO's `admin:DisableUser` (who may disable a user may
 * end its sessions).
 */
const revokeSessions: Handler = async (call): Promise<XmlNode> => {
  const p = call.params;
  const userName = p.optional('UserName');
  const accessKey = p.optional('AccessKeyId');
  const roleName = p.optional('RoleName');
  const session = p.optional('SessionId');
  const given = [userName, accessKey, roleName].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new TesseraError(
      'ValidationError',
      'Exactly one of UserName, AccessKeyId and RoleName is required.',
    );
  }
  if (session !== undefined && !/^[\w-]{8,128}$/.test(session)) {
    throw new TesseraError('ValidationError', 'SessionId must be a session id or a temporary access key id.');
  }
  let target: Target;
  let authz: IamTarget;
  if (userName !== undefined) {
    authz = { kind: 'user', name: userName };
    target = { kind: 'user', name: userName };
  } else if (roleName !== undefined) {
    authz = { kind: 'role', name: roleName };
    target = { kind: 'role', name: roleName };
  } else {
    ({ target, authz } = await byAccessKey(call, accessKey!));
  }
  const resolved = await call.authorize({
    action: 'iam:RevokeSessions',
    target: authz,
    admin: roleName === undefined ? ['admin:DisableUser'] : [],
  });
  if (!resolved.exists) {
    const kind = roleName === undefined ? 'user' : 'role';
    throw new TesseraError('NoSuchEntity', `The ${kind} with name ${resolved.name} cannot be found.`);
  }
  if (target.kind === 'user' || target.kind === 'role') target = { kind: target.kind, name: resolved.name };
  const { at } = await call.iam.revocations.revoke(call.account, target, session);
  return { RevokedBefore: isoDate(at), ...(session === undefined ? {} : { SessionId: session }) };
};

export const revokeSessionsHandlers: Record<string, Handler> = { RevokeSessions: revokeSessions };
