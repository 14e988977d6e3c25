import { type CredentialLookup, verifyPostForm } from '../../auth/index.js';
import { ANONYMOUS, isTesseraError, type Principal } from '../../core/index.js';
import type { Authorizer } from '../../iam/index.js';
import type { PostFormAuthority, S3Deps } from '../../s3/index.js';
import type { Exchange, RequestContextSource, Trace } from '../exchange.js';
import { authorizeS3Checks } from './s3-authorize.js';

export interface PostFormAuthOptions {
  deps: S3Deps;
  authorizer: Authorizer;
  lookup: CredentialLookup<Principal>;
  context: RequestContextSource;
}

/**
 * The PostObject handler's bridge to authentication and authorization. A browser form arrives
 * without an Authorization header, so the pipeline authenticated it as anonymous; once the
 * handler has read the form's fields, `authenticate` verifies their signature (auth's
 * verifyPostForm: the same credential lookup, signing keys and constant-time comparison as
 * header-signed requests) and records it as the request's auth (kind `post-policy`), and
 * `authorize` answers the upload's checks for that principal as every S3 request's are answered.
 */
export function postFormAuthority(o: PostFormAuthOptions, x: Exchange, trace: Trace): PostFormAuthority {
  let principal: Principal = ANONYMOUS;
  let base: Record<string, string | string[]> | undefined;
  const secure = 'encrypted' in x.req.socket;
  return {
    baseUrl: `${secure ? 'https' : 'http'}://${x.req.headers.host ?? 'localhost'}`,
    async authenticate(fields) {
      const t0 = performance.now();
      try {
        const verified = await verifyPostForm(fields, {
          now: x.time,
          lookup: o.lookup,
          region: o.deps.region,
        });
        trace.auth = { verified, ms: performance.now() - t0 };
        principal = verified.principal ?? ANONYMOUS;
        base = o.authorizer.context(principal, o.context(x, verified));
        return { anonymous: verified.principal === undefined };
      } catch (e) {
        const ms = performance.now() - t0;
        trace.auth = isTesseraError(e)
          ? { error: e.code, message: e.message, ms }
          : { error: 'InternalError', ms };
        throw e;
      }
    },
    async authorize(checks) {
      if (base === undefined) throw new Error('authorize before authenticate');
      // A root on another account's bucket is evaluated (docs/accounts.md).
      if (principal.kind === 'root' && !(await o.authorizer.anyAcross(principal, checks))) {
        trace.authz = { decision: 'allow', reason: 'root' };
        return;
      }
      await authorizeS3Checks(o.deps, o.authorizer, principal, checks, base, trace);
    },
  };
}
