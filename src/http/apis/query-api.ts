import type { IamApi } from '../../admin/index.js';
import { GLOBAL_REGION } from '../../auth/index.js';
import { ANONYMOUS, TesseraError } from '../../core/index.js';
import type { S3Response } from '../../s3/index.js';
import { type StsApi, UNSIGNED_STS_ACTIONS } from '../../sts/index.js';
import type { Exchange, RequestContextSource, Trace, Verified } from '../exchange.js';
import { queryApiParams, unsignedQueryParams } from '../query-api-params.js';
import { renderIamError } from '../render-iam-error.js';
import { tlsPeer } from '../tls/index.js';
import type { Api, Authenticated } from './api.js';
import { scopeStep } from './scope-step.js';

/** The Query APIs served on this endpoint, by the service their requests are signed for. */
export const QUERY_SERVICES: ReadonlySet<string> = new Set(['iam', 'sts']);

export interface QueryApiOptions {
  /** The AWS IAM Query API (requests signed for service iam). */
  iamApi?: IamApi;
  /** The AWS STS Query API (requests signed for service sts). */
  stsApi?: StsApi;
  /** The region the server answers for (IAM and STS are global: us-east-1 is accepted too). */
  region: string;
  context: RequestContextSource;
}

/**
 * The AWS Query APIs on `POST /` (and `GET /` signed for iam or sts), dispatched on the service
 * the request was signed for: IAM or STS. The
 * parameters come only from a signed part of the request (query-api-params.ts); errors are IAM's
 * XML `ErrorResponse`.
 */
export function createQueryApi(o: QueryApiOptions): Api {
  return {
    name: 'Query',
    auth: 'signature',
    serve: async (x, auth, trace) => {
      const v = (auth as Authenticated).verified;
      if (v.kind === 'anonymous') return serveUnsigned(o, x, v, trace);
      const service = v.service;
      if (service !== undefined && QUERY_SERVICES.has(service)) {
        scopeStep(trace, v, { service, regions: [GLOBAL_REGION, o.region], api: 'query' });
      }
      const target = service === 'iam' ? o.iamApi : service === 'sts' ? o.stsApi : undefined;
      if (target === undefined) throw new TesseraError('NotImplemented');
      const body = (auth as Authenticated).body;
      const input = {
        query: x.query,
        letBodyIn: () => x.letBodyIn(),
        ...(body === undefined ? {} : { body }),
      };
      const params = await queryApiParams(x.req, input, v);
      trace.operation = params.get('Action') ?? (service === 'sts' ? 'StsQuery' : 'IamQuery');
      const answer = await target({
        principal: v.principal ?? ANONYMOUS,
        params,
        requestId: x.requestId,
        context: o.context(x, v),
        ...tlsPeer(x),
      });
      trace.authz = { decision: 'allow', reason: 'allowed' };
      if (answer.change !== undefined) trace.change = answer.change;
      return { status: answer.status, headers: { 'content-type': 'text/xml' }, body: answer.body };
    },
    renderError: (err, x) => ({ contentType: 'text/xml', body: renderIamError(err, x.requestId) }),
  };
}

/** What the audit entry says of a refused identity proof (docs/audit.md `auth.failureReason`). */
function identityFailure(
  e: TesseraError,
  action: string,
  params: { get(name: string): string | null },
): NonNullable<Trace['identityFailure']> {
  const reason = e.auditReason ?? (e.code === 'IDPCommunicationError' ? 'idp-unreachable' : e.code);
  if (action === 'AssumeRoleWithCertificate') return { reason, source: 'certificate' };
  if (action === 'AssumeRoleWithCustomToken') return { reason, source: 'plugin' };
  if (action !== 'AssumeRoleWithLDAPIdentity') return { reason, source: 'openid' };
  const user = params.get('LDAPUsername');
  return user === null || user === ''
    ? { reason, source: 'ldap' }
    : { reason, source: 'ldap', user: user.slice(0, 256) };
}

/**
 * An unsigned Query API call: only the STS calls that carry their own proof (a web identity
 * token) are accepted, as in AWS; their parameters come from the form body or the query string.
 */
async function serveUnsigned(
  o: QueryApiOptions,
  x: Exchange,
  v: Verified,
  trace: Trace,
): Promise<S3Response> {
  const params = await unsignedQueryParams(x.req, { query: x.query, letBodyIn: () => x.letBodyIn() });
  const action = params.get('Action') ?? '';
  if (!UNSIGNED_STS_ACTIONS.has(action) || o.stsApi === undefined) throw new TesseraError('AccessDenied');
  trace.operation = action;
  let answer: Awaited<ReturnType<StsApi>>;
  try {
    answer = await o.stsApi({
      principal: ANONYMOUS,
      params,
      requestId: x.requestId,
      context: o.context(x, v),
      ...tlsPeer(x),
    });
  } catch (e) {
    if (e instanceof TesseraError) trace.identityFailure = identityFailure(e, action, params);
    throw e;
  }
  trace.authz = { decision: 'allow', reason: 'allowed' };
  if (answer.change !== undefined) trace.change = answer.change;
  return { status: answer.status, headers: { 'content-type': 'text/xml' }, body: answer.body };
}
