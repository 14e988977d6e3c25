import { type CallOptions, call } from './client.js';

/**
 * MinIO's admin API (and Tessera's calls under its prefix) through the console's signing relay:
 * `/api/v1/admin/<v3/call>` → `/minio/admin/<v3/call>`. The relay encrypts request bodies and
 * decrypts answers of the calls madmin encrypts, so the page sends and reads plain JSON.
 */
export async function admin(path: string, o: CallOptions = {}): Promise<Response> {
  return call(`/api/v1/admin/${path.replace(/^\/+/, '')}`, o);
}

export async function adminJson<T>(path: string, o: CallOptions = {}): Promise<T> {
  const res = await admin(path, o);
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

// ---- identity providers ----

/** madmin.IDPListItem. */
export interface IdpListItem {
  type: 'openid' | 'ldap';
  name: string;
  enabled: boolean;
  roleARN?: string;
}

export interface IdpConfig {
  type: string;
  name: string;
  info: { key: string; value: string; isCfg: boolean; isEnv: boolean }[];
}

export async function listIdpConfigs(type: 'openid' | 'ldap'): Promise<IdpListItem[]> {
  return (await adminJson<IdpListItem[] | null>(`v3/idp-config/${type}`)) ?? [];
}

export async function getIdpConfig(type: 'openid' | 'ldap', name: string): Promise<IdpConfig> {
  return adminJson<IdpConfig>(`v3/idp-config/${type}/${encodeURIComponent(name)}`);
}

export interface LdapCheckStep {
  step: string;
  ok: boolean;
  detail?: string;
}

/** Tessera's LDAP check (docs/ldap.md "Administration"): connect, lookup bind, user and group search. */
export async function checkLdap(
  directory?: string,
  username?: string,
): Promise<{ directory: string; steps: LdapCheckStep[] }[]> {
  const r = await adminJson<{ directories: { directory: string; steps: LdapCheckStep[] }[] }>(
    'v3/tessera/idp/ldap/check',
    { query: { directory, username: username === '' ? undefined : username } },
  );
  return r.directories;
}

// ---- accounts (the deployment root's) ----

export interface AccountInfo {
  id: string;
  name: string;
  rootAccessKey: string;
  createdAt: string | number;
  owns?: Record<string, number>;
}

export async function listAccounts(): Promise<AccountInfo[]> {
  return (await adminJson<{ accounts: AccountInfo[] }>('v3/tessera/accounts')).accounts;
}

export async function createAccount(name: string): Promise<AccountInfo & { rootSecretKey: string }> {
  return adminJson('v3/tessera/accounts', { method: 'POST', query: { name } });
}

export async function accountInfo(name: string): Promise<AccountInfo> {
  return adminJson('v3/tessera/accounts', { query: { name } });
}

export async function deleteAccount(name: string): Promise<void> {
  await admin('v3/tessera/accounts', { method: 'DELETE', query: { name } });
}

// ---- service accounts (MinIO's calls; the relay handles madmin's encryption) ----

export interface ServiceAccountDetail {
  parentUser: string;
  accountStatus: string;
  impliedPolicy: boolean;
  policy?: string;
  name?: string;
  description?: string;
  expiration?: string;
}

export async function infoServiceAccount(accessKey: string): Promise<ServiceAccountDetail> {
  return adminJson('v3/info-service-account', { query: { accessKey } });
}

// ---- the audit trail ----

/** One audit entry (docs/audit.md "Entry schema"); only the fields the viewer reads are typed. */
export interface AuditEntry {
  time: string;
  stream?: string;
  seq?: number;
  requestID?: string;
  accessKey?: string;
  parentUser?: string;
  remotehost?: string;
  userAgent?: string;
  requestMethod?: string;
  requestPath?: string;
  error?: string;
  api?: {
    name?: string;
    bucket?: string;
    object?: string;
    versionId?: string;
    status?: string;
    statusCode?: number;
    errorCode?: string;
  };
  auth?: {
    kind?: string;
    accessKey?: string;
    parentUser?: string;
    principalType?: string;
    principalArn?: string;
    account?: string;
    identitySource?: string;
    outcome?: string;
    failureReason?: string;
    groups?: string[];
    sessionId?: string;
  };
  authz?: {
    decision?: string;
    reason?: string;
    actions?: string[];
    resources?: string[];
    statements?: { policy: string; index: number; sid?: string; effect: string }[];
  };
  change?: { action?: string; target?: { type?: string; name?: string; arn?: string } };
}

export interface AuditAnswer {
  configured: boolean;
  entries: AuditEntry[];
  truncated: boolean;
}

export interface AuditFilter {
  principal?: string;
  action?: string;
  bucket?: string;
  /** `allow` or `deny`. */
  decision?: string;
  since?: string;
  until?: string;
  limit?: string;
}

export async function queryAudit(f: AuditFilter): Promise<AuditAnswer> {
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') query[k] = v;
  return adminJson<AuditAnswer>('v3/tessera/audit', { query });
}

// ---- metrics ----

/** The server's Prometheus text, fetched by the back end with the session's credentials. */
export async function fetchMetrics(): Promise<string> {
  return (await call('/api/v1/metrics')).text();
}
