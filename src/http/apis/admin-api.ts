import type { MinioAdminApi } from '../../admin/index.js';
import { TesseraError } from '../../core/index.js';
import { type BuiltinKms, isValidBucketName, type S3Response, type ScanService } from '../../s3/index.js';
import type { Exchange, Trace } from '../exchange.js';
import { readVerifiedFormBody } from '../read-form-body.js';
import { ACCOUNTS_PATH, type AccountsAdmin, serveAccounts } from './admin-accounts.js';
import { AUDIT_PATH, serveAuditQuery } from './admin-audit.js';
import { type AdminAuthorizeOptions, authenticateAdminCaller, requireAdminAction } from './admin-caller.js';
import { isKmsAdminPath, serveKmsAdmin } from './admin-kms.js';
import { isLdapAdminPath, type LdapAdmin, serveLdapAdmin } from './admin-ldap.js';
import type { Api } from './api.js';
import { minioAdminApi } from './reserved-apis.js';

export interface AdminApiOptions extends AdminAuthorizeOptions {
  /** `tessera admin scan` (absent: the route answers NotImplemented like the rest). */
  scan?: ScanService;
  /** `tessera admin account` (docs/accounts.md; absent: NotImplemented). */
  accounts?: AccountsAdmin;
  /** `tessera admin idp ldap …` (docs/ldap.md; absent: NotImplemented). */
  ldap?: LdapAdmin;
  /** MinIO's admin calls over the IAM service (docs/minio-compat.md; absent: NotImplemented). */
  minio?: MinioAdminApi;
  /** MinIO's admin KMS calls over the built-in KMS (docs/encryption.md; absent: NotImplemented). */
  kms?: BuiltinKms;
  /** `tessera/audit` (docs/console.md): TESSERA_AUDIT_FILE, read by the console's audit viewer. */
  audit?: { file: string | undefined };
}

/** A MinIO admin call: `/minio/admin/v3/<call>` or `/v4/<call>` (madmin-go signs both the same way). */
const MINIO_CALL = /^\/minio\/admin\/v[34]\/([a-z0-9/-]+(?:\/[A-Za-z0-9_.-]+)?)$/;

/** Tessera's own calls under MinIO's admin prefix (docs/operations.md "tessera admin scan"). */
const SCAN_PATH = '/minio/admin/v3/tessera/scan';

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw new TesseraError('InvalidArgument', `${name} must be true or false.`);
}

function limitOf(q: URLSearchParams): number | undefined {
  const v = q.get('limit');
  if (v === null) return undefined;
  if (!/^\d{1,4}$/.test(v))
    throw new TesseraError('InvalidArgument', 'limit must be an integer from 1 to 1000.');
  return Number(v);
}

/**
 * MinIO's admin front door (`/minio/admin/…`, JSON errors as madmin-go reads them), a thin
 * dispatcher: Tessera's `tessera/scan`, accounts, LDAP and KMS calls, then MinIO's own calls
 * (admin/minio-api, `/v3/` and `/v4/`: users, groups, canned policies, service accounts) — all
 * SigV4 with service `s3`, as madmin-go signs. Every other call answers NotImplemented
 * (docs/minio-compat.md).
 */
export function createAdminApi(o: AdminApiOptions): Api {
  return {
    name: 'MinioAdmin',
    auth: 'none',
    serve: async (x, _auth, trace) => {
      if (x.rawPath === SCAN_PATH && o.scan !== undefined) {
        if (x.req.method !== 'POST') throw new TesseraError('MethodNotAllowed');
        return scan(o, o.scan, x, trace);
      }
      if (x.rawPath === AUDIT_PATH && o.audit !== undefined)
        return serveAuditQuery({ ...o, auditFile: o.audit.file }, x, trace);
      if (x.rawPath === ACCOUNTS_PATH && o.accounts !== undefined)
        return serveAccounts(o, o.accounts, x, trace);
      if (o.ldap !== undefined && isLdapAdminPath(x.rawPath)) return serveLdapAdmin(o, o.ldap, x, trace);
      if (o.kms !== undefined && isKmsAdminPath(x.rawPath)) return serveKmsAdmin(o, o.kms, x, trace);
      const call = MINIO_CALL.exec(x.rawPath)?.[1];
      const operation = call === undefined ? undefined : o.minio?.operation(call, x.req.method ?? 'GET');
      if (o.minio !== undefined && call !== undefined && operation !== undefined)
        return serveMinio(o, o.minio, call, operation, x, trace);
      return minioAdminApi.serve(x, undefined, trace);
    },
    renderError: minioAdminApi.renderError,
  };
}

async function scan(
  o: AdminApiOptions,
  service: ScanService,
  x: Exchange,
  trace: Trace,
): Promise<S3Response> {
  trace.operation = 'AdminScan';
  const caller = await authenticateAdminCaller(o, x, trace);
  const q = x.query;
  const bucket = q.get('bucket') ?? '';
  if (bucket !== '') {
    if (!isValidBucketName(bucket)) throw new TesseraError('InvalidBucketName');
    trace.bucket = bucket;
  }
  const quarantine = flag(q, 'quarantine');
  const request = {
    ...(bucket === '' ? {} : { bucket }),
    verifyChecksums: flag(q, 'verify-checksums'),
    quarantine,
    marker: q.get('marker'),
    limit: limitOf(q),
  };
  // Reading is MinIO's ServerInfo; changing records is healing (MinIO's admin:Heal).
  const action = quarantine ? 'admin:Heal' : 'admin:ServerInfo';
  const resource = bucket === '' ? '*' : `arn:aws:s3:::${bucket}`;
  // Scanning is the deployment's: no principal of another account (docs/accounts.md) may.
  await requireAdminAction(o, x, trace, caller, action, resource);
  const page = await service.page(request);
  const body = JSON.stringify(page);
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

/** The declared Content-Length (undefined when absent or not a number). */
function contentLength(x: Exchange): number | undefined {
  const v = x.req.headers['content-length'];
  return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

/**
 * A MinIO admin call (admin/minio-api): SigV4 with service `s3` as madmin-go signs; the signing
 * credential's secret is the password of madmin's encrypted bodies.
 */
async function serveMinio(
  o: AdminApiOptions,
  api: MinioAdminApi,
  call: string,
  operation: string,
  x: Exchange,
  trace: Trace,
): Promise<S3Response> {
  trace.operation = operation;
  const { verified, principal } = await authenticateAdminCaller(o, x, trace);
  // Every signed request names its access key (only an anonymous one has none).
  if (verified.accessKey === undefined) throw new TesseraError('AccessDenied');
  const credential = await o.lookup(verified.accessKey, verified.sessionToken);
  if (credential === undefined) throw new TesseraError('AccessDenied');
  const res = await api.serve({
    method: x.req.method ?? 'GET',
    call,
    query: x.query,
    principal,
    secretKey: credential.secretKey,
    contentLength: contentLength(x),
    ...(x.req.headers.host === undefined ? {} : { host: x.req.headers.host }),
    secure: 'encrypted' in x.req.socket && x.req.socket.encrypted === true,
    body: (limit) => readVerifiedFormBody(x.req, verified, limit),
    context: o.context(x, verified),
  });
  // A handler that returned authorized its call (a refusal throws AccessDenied, recorded by the pipeline).
  trace.authz = { decision: 'allow', reason: principal.kind === 'root' ? 'root' : 'allowed' };
  if (res.change !== undefined) trace.change = res.change;
  const headers: Record<string, string> =
    res.contentType === undefined ? {} : { 'content-type': res.contentType };
  return res.body === undefined
    ? { status: res.status, headers }
    : { status: res.status, headers, body: res.body };
}
