import { TesseraError } from '../../core/index.js';
import type { LdapDirectoryConfig, OpenIdProviderConfig } from '../../idp/index.js';
import { type Call, collection, encrypted, type Handler } from './call.js';

/** The identity providers the environment configured (docs/openid.md, docs/ldap.md). */
export interface IdpSettings {
  readonly openid: readonly OpenIdProviderConfig[];
  readonly ldap: readonly LdapDirectoryConfig[];
}

/** madmin.IDPCfgInfo: one key of a configuration; every one of Tessera's is from the environment. */
interface CfgInfo {
  key: string;
  value: string;
  isCfg: boolean;
  isEnv: boolean;
}

/** What MinIO shows instead of a secret (the answer is encrypted, but never carries one). */
const REDACTED = '*redacted*';
const onOff = (b: boolean) => (b ? 'on' : 'off');

/** MinIO's name of Tessera's `default` provider is `_` (madmin.Default). */
const minioName = (name: string) => (name === 'default' ? '_' : name);
const tesseraName = (name: string) => (name === '_' || name === '' ? 'default' : name.toLowerCase());

function lines(pairs: [string, string | undefined][]): CfgInfo[] {
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([key, value]) => ({ key, value, isCfg: true, isEnv: true }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** An LDAP directory as MinIO's identity_ldap keys. */
function ldapInfo(c: LdapDirectoryConfig): CfgInfo[] {
  const url = new URL(c.url);
  return lines([
    ['enable', 'on'],
    ['server_addr', url.host],
    ['server_starttls', c.startTls ? 'on' : undefined],
    ['server_insecure', url.protocol === 'ldap:' && !c.startTls ? 'on' : undefined],
    ['tls_skip_verify', c.tlsSkipVerify ? 'on' : undefined],
    ['lookup_bind_dn', c.lookupBindDn],
    ['lookup_bind_password', c.lookupBindPassword === '' ? undefined : REDACTED],
    ['user_dn_search_base_dn', c.userBaseDns.join(';')],
    ['user_dn_search_filter', c.userFilter],
    ['user_dn_attributes', c.userAttributes.join(',')],
    ['group_search_base_dn', c.groupBaseDns.join(';')],
    ['group_search_filter', c.groupFilter],
  ]);
}

/** An OpenID provider as MinIO's identity_openid keys. */
function openidInfo(c: OpenIdProviderConfig): CfgInfo[] {
  return lines([
    ['enable', 'on'],
    ['config_url', c.configUrl],
    ['client_id', c.clientId],
    ['client_secret', c.clientSecret === undefined || c.clientSecret === '' ? undefined : REDACTED],
    ['claim_name', c.rolePolicy.length === 0 ? c.claimName : undefined],
    ['claim_prefix', c.claimPrefix],
    ['role_policy', c.rolePolicy.join(',')],
    ['scopes', c.scopes.join(',')],
    ['claim_userinfo', c.claimUserinfo ? onOff(true) : undefined],
    ['redirect_uri', c.redirectUri],
    ['display_name', c.displayName],
  ]);
}

type IdpType = 'openid' | 'ldap';

/** `idp-config/{type}[/{name}]`: the type and name ('' for list), XMinioAdminConfigInvalidIDPType. */
function target(call: Call): { type: IdpType; name: string } {
  const [, type = '', name = ''] = call.req.call.split('/');
  if (type !== 'openid' && type !== 'ldap') throw new TesseraError('XMinioAdminConfigInvalidIDPType');
  return { type, name };
}

function configs(call: Call, type: IdpType): readonly (OpenIdProviderConfig | LdapDirectoryConfig)[] {
  const s = call.idp;
  return s === undefined ? [] : type === 'openid' ? s.openid : s.ldap;
}

/** MinIO asks admin:ConfigUpdate for every idp-config call, reading ones included. */
async function authorize(call: Call): Promise<void> {
  await call.authorize({ action: 'admin:ConfigUpdate', target: collection('*'), admin: [] });
}

/** GET `idp-config/{type}`: madmin.IDPListItem[] (encrypted). */
const list = async (call: Call, type: IdpType) =>
  encrypted(
    call,
    configs(call, type).map((c) => ({
      type,
      name: minioName(c.name),
      enabled: true,
      ...('roleArn' in c && c.roleArn !== undefined ? { roleARN: c.roleArn } : {}),
    })),
  );

/**
 * MinIO's `idp-config` calls over the providers the environment configured: list and get answer
 * the effective configuration as MinIO's keys (secrets redacted); add, update and delete are
 * refused with XMinioAdminConfigEnvOverridden — MinIO's answer for a configuration set by
 * environment variables — since Tessera reads its providers only from the environment.
 */
export const idpConfig: Handler = async (call: Call) => {
  await authorize(call);
  const { type, name } = target(call);
  const method = call.req.method;
  if (method === 'GET' && name === '') return list(call, type);
  const found = configs(call, type).find((c) => c.name === tesseraName(name));
  if (method === 'GET') {
    if (found === undefined) throw new TesseraError('XMinioAdminNoSuchConfigTarget');
    const info =
      type === 'ldap' ? ldapInfo(found as LdapDirectoryConfig) : openidInfo(found as OpenIdProviderConfig);
    return encrypted(call, { type, name: minioName(found.name), info });
  }
  if (method === 'PUT' || method === 'POST') {
    // The body is read (and must decrypt, as MinIO checks) before the refusal.
    await call.decrypted();
    throw new TesseraError('XMinioAdminConfigEnvOverridden');
  }
  if (method === 'DELETE') {
    if (found === undefined) throw new TesseraError('XMinioAdminNoSuchConfigTarget');
    throw new TesseraError('XMinioAdminConfigEnvOverridden');
  }
  throw new TesseraError('MethodNotAllowed');
};
