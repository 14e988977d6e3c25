import { decryptData, encryptData, MAX_ENCRYPTED_BODY } from '../../admin/index.js';
import type { VerifiedRequest } from '../../auth/index.js';
import { isTesseraError, normalizeDn, TesseraError } from '../../core/index.js';
import type { IamService } from '../../iam/index.js';
import type { LdapDirectories, LdapUserState } from '../../idp/index.js';
import type { S3Response } from '../../s3/index.js';
import type { Exchange, Trace } from '../exchange.js';
import { readVerifiedFormBody } from '../read-form-body.js';
import { type AdminAuthorizeOptions, authorizeAdminCall } from './admin-caller.js';
import { LDAP_CHECK_PATH, serveLdapCheck } from './admin-ldap-check.js';

/** What the LDAP admin routes need (docs/ldap.md "Administration"). */
export interface LdapAdmin {
  readonly iam: IamService;
  readonly directories: LdapDirectories;
}

type Options = AdminAuthorizeOptions;

export const LDAP_ATTACH_PATH = '/minio/admin/v3/idp/ldap/policy/attach';
export const LDAP_DETACH_PATH = '/minio/admin/v3/idp/ldap/policy/detach';
export const LDAP_ENTITIES_PATH = '/minio/admin/v3/idp/ldap/policy-entities';
/** Tessera's: provisions an LDAP user's directory user (for `svcacct add --ldap-user`). */
export const LDAP_USER_PATH = '/minio/admin/v3/tessera/idp/ldap/user';

const PATHS = new Set([
  LDAP_ATTACH_PATH,
  LDAP_DETACH_PATH,
  LDAP_ENTITIES_PATH,
  LDAP_USER_PATH,
  LDAP_CHECK_PATH,
]);

/** Whether `path` is one of these routes. */
export function isLdapAdminPath(path: string): boolean {
  return PATHS.has(path);
}

function json(value: unknown): S3Response {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** madmin's encrypted answer: the JSON of `value` under the signing credential's secret. */
async function encrypted(secretKey: string, value: unknown): Promise<S3Response> {
  const body = await encryptData(secretKey, Buffer.from(JSON.stringify(value)));
  return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body };
}

/** The secret key of the credential that signed the request: madmin's password. */
async function secretOf(o: Options, verified: VerifiedRequest): Promise<string> {
  const credential =
    verified.accessKey === undefined ? undefined : await o.lookup(verified.accessKey, verified.sessionToken);
  if (credential === undefined) throw new TesseraError('AccessDenied');
  return credential.secretKey;
}

/**
 * The decrypted body of an attach/detach (madmin-go encrypts it): MinIO refuses a body over
 * maxEConfigJSONSize, or of unknown length, with XMinioAdminConfigTooLarge before reading it.
 */
async function decryptedBody(x: Exchange, verified: VerifiedRequest, secret: string): Promise<Buffer> {
  const v = x.req.headers['content-length'];
  const length = v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  if (length === undefined || length > MAX_ENCRYPTED_BODY)
    throw new TesseraError('XMinioAdminConfigTooLarge');
  let body: Buffer;
  try {
    body = await readVerifiedFormBody(x.req, verified, MAX_ENCRYPTED_BODY);
  } catch (e) {
    if (isTesseraError(e, 'MaxMessageLengthExceeded')) throw new TesseraError('XMinioAdminConfigTooLarge');
    throw e;
  }
  return decryptData(secret, body);
}

/**
 * Authenticates the caller and requires `action` (root: always; only the default account's
 * principals: LDAP identities live in the default account, docs/ldap.md).
 */
function authorize(o: Options, x: Exchange, trace: Trace, action: string) {
  return authorizeAdminCall(o, x, trace, action, '*');
}

/**
 * madmin-go's PolicyAssociationReq (decrypted): `{"policies":[…],"user":DN}` or `{…,"group":DN}`.
 * Like MinIO: not JSON → InvalidRequest; JSON that is not a valid request → XMinioAdminConfigBadJSON.
 */
function association(body: Buffer): { policies: string[]; kind: 'user' | 'group'; dn: string } {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new TesseraError('InvalidRequest', 'The body is not JSON (a PolicyAssociationReq).');
  }
  const r = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const policies = Array.isArray(r.policies)
    ? r.policies.filter((p): p is string => typeof p === 'string')
    : [];
  const user = typeof r.user === 'string' ? r.user : '';
  const group = typeof r.group === 'string' ? r.group : '';
  if (policies.length === 0 || policies.some((p) => p === ''))
    throw new TesseraError('XMinioAdminConfigBadJSON', 'policies must name at least one policy.');
  if ((user === '') === (group === ''))
    throw new TesseraError('XMinioAdminConfigBadJSON', 'Exactly one of user and group must be given.');
  return user !== '' ? { policies, kind: 'user', dn: user } : { policies, kind: 'group', dn: group };
}

/** The directory that knows the user at `dn` (the one named, or the first that does). */
async function directoryOf(
  l: LdapAdmin,
  dn: string,
  named?: string,
): Promise<{ directory: string; found: Exclude<LdapUserState, { state: 'missing' }> }> {
  const names = named === undefined || named === '' ? l.directories.names : [named];
  for (const directory of names) {
    const found = await l.directories.lookupUser(directory, dn);
    if (found.state !== 'missing') return { directory, found };
  }
  throw new TesseraError(
    'InvalidParameterValue',
    `No configured LDAP directory has a user at ${dn.slice(0, 300)}.`,
  );
}

/**
 * MinIO's `idp/ldap/policy/attach|detach` (admin:UpdatePolicyAssociation; a user DN must be a
 * user of a directory), `idp/ldap/policy-entities` (admin:ListUserPolicies) and Tessera's
 * `tessera/idp/ldap/user?dn=DN` (admin:CreateUser): the directory user of an LDAP user, created
 * if needed, for its service accounts.
 */
export async function serveLdapAdmin(
  o: Options,
  l: LdapAdmin,
  x: Exchange,
  trace: Trace,
): Promise<S3Response> {
  const method = x.req.method ?? 'GET';
  const path = x.rawPath;
  if (path === LDAP_CHECK_PATH)
    return serveLdapCheck(l.directories, x, trace, (action) => authorize(o, x, trace, action));
  if (path === LDAP_ENTITIES_PATH) {
    trace.operation = 'AdminListLDAPPolicyEntities';
    if (method !== 'GET') throw new TesseraError('MethodNotAllowed');
    const verified = await authorize(o, x, trace, 'admin:ListUserPolicies');
    const secret = await secretOf(o, verified);
    const q = x.query;
    const r = await l.iam.ldap.entities('', {
      users: q.getAll('user'),
      groups: q.getAll('group'),
      policies: q.getAll('policy'),
    });
    return encrypted(secret, {
      timestamp: new Date().toISOString(),
      ...(r.userMappings.length === 0 ? {} : { userMappings: r.userMappings }),
      ...(r.groupMappings.length === 0 ? {} : { groupMappings: r.groupMappings }),
      ...(r.policyMappings.length === 0 ? {} : { policyMappings: r.policyMappings }),
    });
  }
  if (method !== 'POST') throw new TesseraError('MethodNotAllowed');
  if (path === LDAP_USER_PATH) {
    trace.operation = 'AdminProvisionLDAPUser';
    await authorize(o, x, trace, 'admin:CreateUser');
    const dn = normalizeDn(x.query.get('dn') ?? '');
    const { directory, found } = await directoryOf(l, dn, x.query.get('directory') ?? undefined);
    if (found.state === 'disabled')
      throw new TesseraError('InvalidParameterValue', `The LDAP user ${dn.slice(0, 300)} is disabled.`);
    const stored = await l.iam.ldap.storedUser(directory, dn);
    const username = stored?.username ?? firstRdnValue(dn);
    const proof = {
      directory,
      username,
      userDn: dn,
      groupDns: found.groupDns,
      attributes: found.attributes,
    };
    const user = await l.iam.ldap.recordLogin(proof, '', false);
    const arn = l.iam.arns.user('', user);
    trace.change = {
      action: 'AdminProvisionLDAPUser',
      target: { type: 'user', name: user, arn },
      parameters: { directory, dn },
    };
    return json({ directory, dn, username, user, arn });
  }
  const attach = path === LDAP_ATTACH_PATH;
  trace.operation = attach ? 'AdminAttachLDAPPolicy' : 'AdminDetachLDAPPolicy';
  const verified = await authorize(o, x, trace, 'admin:UpdatePolicyAssociation');
  const req = association(await decryptedBody(x, verified, await secretOf(o, verified)));
  const dn = normalizeDn(req.dn);
  if (attach && req.kind === 'user') await directoryOf(l, dn);
  const changed = attach
    ? await l.iam.ldap.attach('', req.kind, dn, req.policies)
    : await l.iam.ldap.detach('', req.kind, dn, req.policies);
  // The audit entry's change (docs/audit.md): the DN and the policies the call named and changed.
  trace.change = {
    action: trace.operation,
    target: { type: req.kind === 'user' ? 'ldapUser' : 'ldapGroup', name: dn },
    parameters: { policies: req.policies, [req.kind]: dn },
    after: attach ? { policiesAttached: changed } : { policiesDetached: changed },
  };
  return encrypted(await secretOf(o, verified), {
    ...(attach ? { policiesAttached: changed } : { policiesDetached: changed }),
    updatedAt: new Date().toISOString(),
  });
}

/** `alice` of `uid=alice,ou=people,…` (a display name when the user never logged in). */
function firstRdnValue(dn: string): string {
  const m = /^[^=]+=((?:\\.|[^,+\\])*)/.exec(dn);
  return (m?.[1] ?? dn).replace(/\\(.)/g, '$1') || dn;
}
