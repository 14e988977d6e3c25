type Env = Record<string, string | undefined>;

/** Certificate identities (AssumeRoleWithCertificate) as the environment configures them (docs/tls.md). */
export interface CertificateIdentityConfig {
  /** TESSERA_IDENTITY_TLS_ENABLE / MINIO_IDENTITY_TLS_ENABLE: the server asks TLS clients for a certificate. */
  readonly enabled: boolean;
  /** TESSERA_IDENTITY_TLS_SKIP_VERIFY / MINIO_IDENTITY_TLS_SKIP_VERIFY: trust certificates of any issuer. */
  readonly skipVerify: boolean;
  /** TESSERA_IDENTITY_TLS_POLICY_MAP: CN → policies; absent, the policy named as the CN (MinIO's rule). */
  readonly policyMap?: ReadonlyMap<string, readonly string[]>;
}

function value(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v !== '') return { name, value: v };
  }
  return undefined;
}

function onOff(env: Env, names: string[]): boolean {
  const v = value(env, ...names);
  if (v === undefined) return false;
  const s = v.value.trim().toLowerCase();
  if (s === 'on' || s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'off' || s === 'false' || s === '0' || s === 'no') return false;
  throw new Error(`${v.name} must be on or off (got "${v.value}")`);
}

/**
 * Parses `CN=policy[,policy…][;CN=policy…]`, e.g. `app1=readwrite;auditor=readonly,diagnostics`.
 * @example parsePolicyMap('a=readonly;b=readwrite,diagnostics').get('b') // ['readwrite', 'diagnostics']
 */
export function parsePolicyMap(name: string, text: string): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const entry of text.split(';')) {
    if (entry.trim() === '') continue;
    const eq = entry.lastIndexOf('=');
    const cn = eq < 0 ? '' : entry.slice(0, eq).trim();
    const policies = (eq < 0 ? '' : entry.slice(eq + 1))
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (cn === '' || policies.length === 0)
      throw new Error(`${name}: "${entry.trim()}" is not CN=policy[,policy…]`);
    map.set(cn, policies);
  }
  return map;
}

/** The certificate identity settings; throws naming a bad variable. */
export function parseCertificateIdentityConfig(env: Env): CertificateIdentityConfig {
  const enabled = onOff(env, ['TESSERA_IDENTITY_TLS_ENABLE', 'MINIO_IDENTITY_TLS_ENABLE']);
  const skipVerify = onOff(env, ['TESSERA_IDENTITY_TLS_SKIP_VERIFY', 'MINIO_IDENTITY_TLS_SKIP_VERIFY']);
  const map = value(env, 'TESSERA_IDENTITY_TLS_POLICY_MAP');
  return map === undefined
    ? { enabled, skipVerify }
    : { enabled, skipVerify, policyMap: parsePolicyMap(map.name, map.value) };
}
