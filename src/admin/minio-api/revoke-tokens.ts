import { isTesseraError, TesseraError } from '../../core/index.js';
import type { ServiceAccountParent } from '../../iam/index.js';
import { callerParent } from './access-keys.js';
import { type Call, type Handler, ok, user } from './call.js';

function arnOf(call: Call, p: ServiceAccountParent): string {
  return p.type === 'root' ? call.iam.arns.root(call.account) : call.iam.arns.user(call.account, p.name);
}

function same(a: ServiceAccountParent | undefined, b: ServiceAccountParent): boolean {
  if (a === undefined) return false;
  if (a.type === 'root' || b.type === 'root') return a.type === b.type;
  return a.name.toLowerCase() === b.name.toLowerCase();
}

/**
 * POST revoke-tokens/builtin?user=&tokenRevokeType=&fullRevoke=true → 204 (newer madmin-go's
 * RevokeTokens), over Tessera's session revocation (docs/sts.md "Revocation"). As MinIO: a user
 * given needs tokenRevokeType or fullRevoke (not both: InvalidRequest); another user's tokens
 * need admin:RemoveServiceAccount (or iam:RevokeSessions on the user); the caller's own tokens
 * (no user, or the caller's parent user) may be revoked unless a policy explicitly denies
 * iam:RevokeSessions. `fullRevoke` revokes every session of the user (and of its service
 * accounts) issued until now. Tessera's sessions carry no token revoke type, so a
 * `tokenRevokeType` matches none of them: nothing is revoked (204), and a self-revoke naming
 * neither answers MinIO's InvalidArgument (no type given and none could be inferred).
 */
export const revokeTokens: Handler = async (call) => {
  const name = call.param('user');
  const type = call.param('tokenRevokeType');
  const full = call.param('fullRevoke') === 'true';
  const me = callerParent(call);
  let target: ServiceAccountParent | undefined;
  if (name !== '') {
    try {
      target = { type: 'user', name: (await call.iam.users.get(call.account, name)).name };
    } catch (e) {
      if (isTesseraError(e, 'NoSuchEntity')) throw new TesseraError('XMinioAdminNoSuchUser');
      throw e;
    }
  }
  if ((target !== undefined && type === '' && !full) || (type !== '' && full))
    throw new TesseraError('InvalidRequest', 'Give one of tokenRevokeType and fullRevoke.');
  if (target === undefined || same(me, target)) {
    if (me === undefined) throw new TesseraError('XMinioIAMActionNotAllowed');
    await call.refuseIfDenied('iam:RevokeSessions', arnOf(call, me));
    target = me;
  } else {
    await call.authorize({
      action: 'iam:RevokeSessions',
      target: target.type === 'root' ? { kind: 'root' } : user(target.name),
      admin: ['admin:RemoveServiceAccount'],
    });
  }
  if (name === '' && type === '' && !full)
    throw new TesseraError(
      'InvalidArgument',
      'No token revoke type specified and one could not be inferred from the request',
    );
  if (!full) return ok(204);
  const revoked: { kind: 'root' } | { kind: 'user'; name: string } =
    target.type === 'root' ? { kind: 'root' } : { kind: 'user', name: target.name };
  const { at } = await call.iam.revocations.revoke(call.account, revoked);
  return {
    ...ok(204),
    change: {
      action: 'RevokeTokens',
      target: target.type === 'root' ? { type: 'root', name: 'root' } : { type: 'user', name: target.name },
      parameters: { fullRevoke: true },
      after: { revokedBefore: new Date(at).toISOString() },
    },
  };
};
