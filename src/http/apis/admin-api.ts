import { type CredentialLookup, GLOBAL_REGION } from '../../auth/index.js';
import { type Principal, TesseraError } from '../../core/index.js';
import type { Authorizer } from '../../iam/index.js';
import { isValidBucketName, type S3Response, type ScanService } from '../../s3/index.js';
import { authenticateStep } from '../authenticate-step.js';
import type { Exchange, RequestContextSource, Trace } from '../exchange.js';
import { ACCOUNTS_PATH, type AccountsAdmin, serveAccounts } from './admin-accounts.js';
import { isLdapAdminPath, type LdapAdmin, serveLdapAdmin } from './admin-ldap.js';
import type { Api } from './api.js';
import { minioAdminApi } from './reserved-apis.js';
import { scopeStep } from './scope-step.js';

export interface AdminApiOptions {
  /** `tessera admin scan` (absent: the route answers NotImplemented like the rest). */
  scan?: ScanService;
  /** `tessera admin account` (docs/accounts.md; absent: NotImplemented). */
  accounts?: AccountsAdmin;
  /** `tessera admin idp ldap …` (docs/ldap.md; absent: NotImplemented). */
  ldap?: LdapAdmin;
  authorizer: Authorizer;
  lookup: CredentialLookup<Principal>;
  domains: readonly string[];
  region: string;
  context: RequestContextSource;
}

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
 * MinIO's admin front door (`/minio/admin/…`, JSON errors as madmin-go reads them). Serves
 * `POST /minio/admin/v3/tessera/scan` — SigV4 with service `s3`, as madmin-go signs — and answers
 * every other call NotImplemented until MinIO's admin API lands.
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
      if (x.rawPath === ACCOUNTS_PATH && o.accounts !== undefined)
        return serveAccounts(o, o.accounts, x, trace);
      if (o.ldap !== undefined && isLdapAdminPath(x.rawPath)) return serveLdapAdmin(o, o.ldap, x, trace);
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
  const { verified } = await authenticateStep(x, { lookup: o.lookup, domains: o.domains }, (r) => {
    trace.auth = r;
  });
  if (verified.kind === 'anonymous' || verified.principal === undefined)
    throw new TesseraError('AccessDenied');
  // madmin-go signs for service s3 in the client's region (often us-east-1, or none at all).
  scopeStep(trace, verified, { service: 's3', regions: [o.region, GLOBAL_REGION, ''], api: 's3' });
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
  const principal = verified.principal;
  // Scanning is the deployment's: no principal of another account (docs/accounts.md) may.
  if (principal.account !== '') throw new TesseraError('AccessDenied');
  if (principal.kind === 'root') trace.authz = { decision: 'allow', reason: 'root' };
  else {
    const base = o.authorizer.context(principal, o.context(x, verified));
    const [d] = await o.authorizer.requireAll(principal, [{ action, resource }], base);
    trace.authz = {
      decision: 'allow',
      reason: d?.reason ?? 'allowed',
      ...(d === undefined ? {} : { statements: d.statements }),
      actions: [action],
      resources: [resource],
    };
  }
  const page = await service.page(request);
  const body = JSON.stringify(page);
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}
