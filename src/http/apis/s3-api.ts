import type { CredentialLookup } from '../../auth/index.js';
import { ANONYMOUS, type Principal, TesseraError } from '../../core/index.js';
import type { Authorizer } from '../../iam/index.js';
import {
  accessChecks,
  createS3Access,
  type Operation,
  routeRequest,
  type S3Deps,
  type S3Handler,
  type S3Request,
  s3Handlers,
} from '../../s3/index.js';
import type { Exchange, RequestContextSource, Trace } from '../exchange.js';
import { renderS3Error } from '../render-error.js';
import { decodeBody } from '../request-body.js';
import type { Api, Authenticated } from './api.js';
import { postFormAuthority } from './post-form-auth.js';
import { safeDecode } from './reserved-apis.js';
import { authorizeS3Checks } from './s3-authorize.js';
import { s3ScopeRule } from './s3-scope.js';
import { scopeStep } from './scope-step.js';

/** Whether a root acts on another account's bucket (docs/accounts.md): then it is evaluated. */
function rootActsAcross(
  authorizer: Authorizer,
  principal: Principal,
  op: Operation,
): boolean | Promise<boolean> {
  if (op.name === 'CreateBucket') return false;
  // A copy reads another bucket too: each check is decided (root's own ones without evaluation).
  if (op.name === 'CopyObject' || op.name === 'UploadPartCopy') return authorizer.knowsAccounts;
  return authorizer.actsAcross(principal, op.bucket);
}

/** Operations that read stored bytes: damage they meet goes into their request event too. */
const READS_BLOBS: ReadonlySet<string> = new Set(['GetObject', 'CopyObject', 'UploadPartCopy']);

/** The deps of one request that reads blobs: damage is reported to the server's sink and the trace. */
function withDamageTrace(deps: S3Deps, trace: Trace): S3Deps {
  const sink = deps.reportDamage;
  return {
    ...deps,
    reportDamage: (d) => {
      sink?.(d);
      (trace.damage ??= []).push(d);
    },
  };
}

export interface S3ApiOptions {
  deps: S3Deps;
  authorizer: Authorizer;
  /** Domains for virtual-host-style requests (bucket.domain). */
  domains: readonly string[];
  context: RequestContextSource;
  /** Credentials, for forms that sign themselves (PostObject: post-form-auth.ts). */
  lookup: CredentialLookup<Principal>;
}

/**
 * The S3 API: route to a typed operation, check the credential scope (service s3, the server's
 * region), authorize every access check of the operation, then let its handler serve it (its
 * spec in s3/ops/ hides a missing key from callers without s3:ListBucket).
 */
export function createS3Api(o: S3ApiOptions): Api {
  const handlers: Record<string, S3Handler> = s3Handlers();
  const route = (x: Exchange): Operation =>
    routeRequest(
      {
        method: x.req.method ?? 'GET',
        rawPath: x.rawPath,
        query: x.query,
        host: x.req.headers.host,
        copySource: x.req.headers['x-amz-copy-source'] !== undefined,
      },
      o.domains,
    );
  return {
    name: 'S3',
    auth: 'signature',
    serve: async (x, auth, trace) => {
      const verified = (auth as Authenticated).verified;
      const op = route(x);
      trace.operation = op.name;
      if (op.bucket !== undefined) trace.bucket = op.bucket;
      if (op.key !== undefined) trace.key = op.key;
      scopeStep(trace, verified, s3ScopeRule(op, o.deps.region));
      const principal = verified.principal ?? ANONYMOUS;
      let access: S3Request['access'];
      let postForm: S3Request['postForm'];
      if (op.name === 'PostObject') {
        // Its form proves who sent it: the handler authenticates and authorizes through this.
        postForm = postFormAuthority(o, x, trace);
      } else if (principal.kind === 'root' && !(await rootActsAcross(o.authorizer, principal, op))) {
        trace.authz = { decision: 'allow', reason: 'root' };
      } else {
        if (op.name === 'NotImplemented' && principal.kind === 'anonymous')
          throw new TesseraError('AccessDenied');
        const base = o.authorizer.context(principal, o.context(x, verified));
        const headers = x.req.headers;
        const checks = accessChecks(op, { headers });
        await authorizeS3Checks(o.deps, o.authorizer, principal, checks, base, trace);
        access = createS3Access(o.authorizer, principal, base, o.deps);
      }
      x.letBodyIn();
      const body = decodeBody(x.req, verified);
      const { authorization: _, ...headers } = x.req.headers;
      const s3req: S3Request = {
        op,
        // Handlers never see the Authorization header (docs/architecture.md).
        headers,
        body: body.body,
        contentLength: body.contentLength,
        trailers: body.trailers,
        anonymous: verified.kind === 'anonymous',
        account: principal.account,
        requestId: x.requestId,
        now: x.time,
        access,
        postForm,
        // SSE-C needs TLS (docs/encryption.md): read from the socket itself, never from a header.
        transport: {
          encrypted: (x.req.socket as { encrypted?: boolean }).encrypted === true,
          loopback: isLoopbackAddress(x.req.socket.remoteAddress),
        },
      };
      const deps = READS_BLOBS.has(op.name) ? withDamageTrace(o.deps, trace) : o.deps;
      return handlers[op.name]!(deps, s3req);
    },
    renderError: (err, x) => ({
      contentType: 'application/xml',
      body: renderS3Error(err, safeDecode(x.rawPath), x.requestId),
    }),
  };
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}
