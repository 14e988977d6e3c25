import type { IncomingMessage } from 'node:http';
import { type AuthRequest, authenticate, type CredentialLookup, needsBody } from '../auth/index.js';
import { isTesseraError, type Principal } from '../core/index.js';
import type { Authenticated } from './apis/api.js';
import type { AuthResult, Exchange } from './exchange.js';
import { MAX_FORM_BODY } from './query-api-params.js';
import { readFormBody } from './read-form-body.js';

export interface AuthenticateOptions {
  lookup: CredentialLookup<Principal>;
  /** Domains for virtual-host-style requests (SigV2's canonical resource needs the bucket). */
  domains: readonly string[];
}

/**
 * The headers as the canonical request needs them: repeated headers kept apart
 * (headersDistinct), which node builds anew on every read. When no name repeats — nearly always —
 * `headers` holds the same values, one string each.
 */
export function signedHeaders(req: IncomingMessage): AuthRequest['headers'] {
  const headers = req.headers;
  let names = 0;
  for (const _ in headers) names++;
  return names * 2 === req.rawHeaders.length ? headers : req.headersDistinct;
}

/**
 * Authenticates a request (every signature form, or anonymous). Signed forms of services other
 * than s3 sign their body's hash, so such a body is read first (bounded) and handed on.
 * `record` receives the outcome, success or failure, for the request event.
 */
export async function authenticateStep(
  x: Exchange,
  opts: AuthenticateOptions,
  record: (result: AuthResult) => void,
): Promise<Authenticated> {
  const t0 = performance.now();
  let body: Buffer | undefined;
  try {
    const authReq: AuthRequest = {
      method: x.req.method ?? 'GET',
      rawPath: x.rawPath,
      rawQuery: x.rawQuery,
      headers: signedHeaders(x.req),
    };
    if (needsBody(authReq)) {
      x.letBodyIn();
      body = await readFormBody(x.req, MAX_FORM_BODY);
      authReq.body = body;
    }
    const verified = await authenticate(authReq, { now: x.time, lookup: opts.lookup, domains: opts.domains });
    record({ verified, ms: performance.now() - t0 });
    return body === undefined ? { verified } : { verified, body };
  } catch (e) {
    const ms = performance.now() - t0;
    record(isTesseraError(e) ? { error: e.code, message: e.message, ms } : { error: 'InternalError', ms });
    throw e;
  }
}
