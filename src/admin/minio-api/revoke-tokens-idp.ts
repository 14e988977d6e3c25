import { type FederatedIdentity, normalizeDn, type Principal, TesseraError } from '../../core/index.js';
import type { IamUser } from '../../iam/index.js';
import type { LdapDirectories } from '../../idp/index.js';
import { callerParent } from './access-keys.js';
import { type Call, type Handler, ok, user } from './call.js';
import { revokeTokens } from './revoke-tokens.js';

/** The tags a federated (just-in-time) user carries (docs/openid.md "Just-in-time provisioning"). */
const SOURCE_TAG = 'tessera:federated-source';
const SUBJECT_TAG = 'tessera:federated-subject';
const LDAP_SOURCE = 'ldap:';
const OPENID_SOURCE = 'openid:';

const tag = (u: IamUser, key: string) => u.tags.find((t) => t.key === key)?.value;
/** A value as those tags hold it (the characters AWS tags take, at most 256). */
const tagged = (v: string) => v.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256);

/** The federated identity (LDAP or OpenID) a session acts for. */
function federatedCaller(p: Principal): FederatedIdentity | undefined {
  return p.kind === 'session' && p.parent.kind === 'federated' ? p.parent : undefined;
}

/** The account's directory users of OpenID identities that `match` (name or subject). */
async function openidUsers(call: Call, match: (u: IamUser) => boolean): Promise<string[]> {
  const all = await call.iam.users.list(call.account);
  return all
    .filter((u) => (tag(u, SOURCE_TAG) ?? '').startsWith(OPENID_SOURCE) && tag(u, SUBJECT_TAG) !== undefined)
    .filter(match)
    .map((u) => u.name);
}

/** The directory users whose sessions are the caller's own (its revocation keys). */
async function ownUsers(call: Call): Promise<string[]> {
  const f = federatedCaller(call.principal);
  if (f === undefined) {
    const me = callerParent(call);
    return me?.type === 'user' ? [me.name] : [];
  }
  if (f.source.startsWith(LDAP_SOURCE))
    return [call.iam.ldap.userName(f.source.slice(LDAP_SOURCE.length), f.subject)];
  return openidUsers(
    call,
    (u) => tag(u, SOURCE_TAG) === tagged(f.source) && tag(u, SUBJECT_TAG) === tagged(f.subject),
  );
}

/**
 * The directory users of the LDAP user `name` (a DN, or a username the directories resolve):
 * one per directory that knows it or has seen it log in. XMinioAdminNoSuchUser when none does.
 */
async function ldapUsers(call: Call, dirs: LdapDirectories, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const directory of dirs.names) {
    let dn: string | undefined;
    if (name.includes('=')) {
      try {
        dn = normalizeDn(name);
      } catch {
        throw new TesseraError('XMinioAdminNoSuchUser');
      }
      const seen = await call.iam.ldap.storedUser(directory, dn);
      if (seen === undefined && (await dirs.lookupUser(directory, dn)).state === 'missing') dn = undefined;
    } else dn = (await dirs.findUser(directory, name))?.userDn;
    if (dn !== undefined) out.push(call.iam.ldap.userName(directory, dn));
  }
  if (out.length === 0) throw new TesseraError('XMinioAdminNoSuchUser');
  return out;
}

/**
 * POST revoke-tokens/{ldap|openid}?user=&tokenRevokeType=&fullRevoke=true → 204 (newer madmin-go's
 * RevokeTokens with an identity provider), over Tessera's session revocation (docs/sts.md).
 * Without `user` the caller's own sessions are revoked (an LDAP or OpenID session: those of its
 * identity; anyone else: as `revoke-tokens/builtin`). `user` is, for `ldap`, a DN or a username
 * the directories resolve (MinIO's GetValidatedDNForUsername; without LDAP configured
 * XMinioIAMActionNotAllowed, as MinIO); for `openid` (which MinIO refuses with
 * XMinioIAMActionNotAllowed), the identity's directory user or its subject. As MinIO, another
 * identity's tokens need admin:RemoveServiceAccount (or iam:RevokeSessions on its directory
 * user); one's own are revoked unless iam:RevokeSessions is explicitly denied.
 */
export function revokeTokensIdp(provider: 'ldap' | 'openid', dirs: LdapDirectories | undefined): Handler {
  return async (call) => {
    const name = call.param('user');
    const type = call.param('tokenRevokeType');
    const full = call.param('fullRevoke') === 'true';
    if (name === '' && federatedCaller(call.principal) === undefined) return revokeTokens(call);
    let targets: string[];
    if (name === '') targets = await ownUsers(call);
    else if (provider === 'ldap') {
      if (dirs === undefined) throw new TesseraError('XMinioIAMActionNotAllowed');
      if (call.account !== '') throw new TesseraError('XMinioAdminNoSuchUser');
      targets = await ldapUsers(call, dirs, name);
    } else {
      targets = await openidUsers(
        call,
        (u) => u.name.toLowerCase() === name.toLowerCase() || tag(u, SUBJECT_TAG) === tagged(name),
      );
      if (targets.length === 0) throw new TesseraError('XMinioAdminNoSuchUser');
    }
    if ((name !== '' && type === '' && !full) || (type !== '' && full))
      throw new TesseraError('InvalidRequest', 'Give one of tokenRevokeType and fullRevoke.');
    // A federated session whose directory user is not recorded has nothing to revoke by.
    if (targets.length === 0) throw new TesseraError('XMinioIAMActionNotAllowed');
    const own = name === '' ? targets : await ownUsers(call);
    const self = targets.every((t) => own.some((o) => o.toLowerCase() === t.toLowerCase()));
    for (const t of targets) {
      if (self) await call.refuseIfDenied('iam:RevokeSessions', call.iam.arns.user(call.account, t));
      else
        await call.authorize({
          action: 'iam:RevokeSessions',
          target: user(t),
          admin: ['admin:RemoveServiceAccount'],
        });
    }
    if (name === '' && type === '' && !full)
      throw new TesseraError(
        'InvalidArgument',
        'No token revoke type specified and one could not be inferred from the request',
      );
    // Tessera's sessions carry no token revoke type: a type matches none of them.
    if (!full) return ok(204);
    let at = 0;
    for (const t of targets)
      at = (await call.iam.revocations.revoke(call.account, { kind: 'user', name: t })).at;
    return {
      ...ok(204),
      change: {
        action: 'RevokeTokens',
        target: { type: 'user', name: targets.join(',') },
        parameters: { fullRevoke: true, provider },
        after: { revokedBefore: new Date(at).toISOString() },
      },
    };
  };
}
