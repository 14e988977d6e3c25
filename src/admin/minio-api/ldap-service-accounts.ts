import { normalizeDn, TesseraError } from '../../core/index.js';
import type { LdapDirectories } from '../../idp/index.js';
import { type Call, collection, type Handler, jsonObject, stringField } from './call.js';
import { addServiceAccount } from './service-accounts.js';

/** `alice` of `uid=alice,ou=people,…` (a display name when the user never logged in). */
function firstRdnValue(dn: string): string {
  const m = /^[^=]+=((?:\\.|[^,+\\])*)/.exec(dn);
  return (m?.[1] ?? dn).replace(/\\(.)/g, '$1') || dn;
}

/**
 * The directory user of the active LDAP user at `dn` (the first directory that knows it),
 * created if needed — as `tessera admin svcacct add --ldap-user` provisions it (docs/ldap.md).
 */
async function directoryUser(call: Call, directories: LdapDirectories, dn: string): Promise<string> {
  for (const directory of directories.names) {
    const found = await directories.lookupUser(directory, dn);
    if (found.state === 'missing') continue;
    if (found.state === 'disabled')
      throw new TesseraError('XMinioAdminInvalidArgument', `The LDAP user ${dn.slice(0, 300)} is disabled.`);
    const stored = await call.iam.ldap.storedUser(directory, dn);
    const proof = {
      directory,
      username: stored?.username ?? firstRdnValue(dn),
      userDn: dn,
      groupDns: found.groupDns,
      attributes: found.attributes,
    };
    return call.iam.ldap.recordLogin(proof, '', false);
  }
  throw new TesseraError(
    'XMinioAdminNoSuchUser',
    `No configured LDAP directory has a user at ${dn.slice(0, 300)}.`,
  );
}

/**
 * PUT idp/ldap/add-service-account (newer madmin-go's AddServiceAccountLDAP): add-service-account's
 * encrypted body and answer, `targetUser` an LDAP user's DN. The DN must be an active user of a
 * configured directory (else XMinioAdminNoSuchUser); the key goes to its directory user, created
 * if needed, and follows the directory's view of the user (docs/ldap.md). Authorized as
 * admin:CreateServiceAccount (or iam:CreateAccessKey) before the directory is asked; LDAP
 * identities live in the default account. Without LDAP configured: NotImplemented.
 */
export function addServiceAccountLdap(directories: LdapDirectories | undefined): Handler {
  return async (call) => {
    if (directories === undefined)
      throw new TesseraError('NotImplemented', 'No LDAP directory is configured.');
    if (call.account !== '') throw new TesseraError('AccessDenied');
    const body = await call.decrypted();
    const req = jsonObject(body, 'XMinioAdminConfigBadJSON');
    const target = stringField(req, 'targetUser', 'XMinioAdminConfigBadJSON');
    if (target === '')
      throw new TesseraError('XMinioAdminInvalidArgument', 'targetUser (an LDAP user DN) is required.');
    await call.authorize({
      action: 'iam:CreateAccessKey',
      target: collection(call.iam.arns.user(call.account, '')),
      admin: ['admin:CreateServiceAccount'],
    });
    const user = await directoryUser(call, directories, normalizeDn(target));
    // The rest is add-service-account's, for the directory user (already authorized above).
    return addServiceAccount({
      ...call,
      decrypted: async () => Buffer.from(JSON.stringify({ ...req, targetUser: user })),
    });
  };
}
