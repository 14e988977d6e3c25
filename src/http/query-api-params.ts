import type { IncomingMessage } from 'node:http';
import { PRESIGN_PARAMS, type VerifiedRequest } from '../auth/index.js';
import { TesseraError } from '../core/index.js';
import { ParsedQuery } from './parsed-query.js';
import { readFormBody, readVerifiedFormBody } from './read-form-body.js';

/** Form bodies of IAM/STS calls are small; refuse more. */
export const MAX_FORM_BODY = 1024 * 1024;

export interface QueryApiInput {
  /** The body, when authentication already had to read it (the SDK's signed body hash). */
  body?: Buffer;
  /** The query string, parsed. */
  query: URLSearchParams;
  /** Answers Expect: 100-continue before the body is read. */
  letBodyIn: () => void;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The parameters of a Query API call (Action, Version, …). AWS's Query API takes them from a form
 * body or, with no body, from the query string — and only from a part the signature covers:
 * - a presigned request signs its query string but no body, so "a presigned Query API request is
 *   allowed only when the body is empty": the parameters come from the signed query string;
 * - a header-signed request signs the query string always, and the body only through a signed
 *   payload hash (the real SHA-256, the SDK's signed body hash, or signed aws-chunked).
 * Throws AccessDenied when the parameters would come from an unsigned body.
 */
export async function queryApiParams(
  req: IncomingMessage,
  input: QueryApiInput,
  verified: VerifiedRequest,
): Promise<URLSearchParams> {
  if (verified.kind === 'sigv4-presigned' || verified.kind === 'sigv2-presigned') {
    if (hasBody(req)) {
      throw new TesseraError(
        'AccessDenied',
        'A presigned Query API request carries its parameters in the signed query string and has no body.',
      );
    }
    const params = new URLSearchParams(input.query);
    for (const name of PRESIGN_PARAMS) params.delete(name);
    return params;
  }
  if (input.body === undefined && !hasBody(req)) return input.query;
  if (!verified.payloadSigned) {
    throw new TesseraError('AccessDenied', 'The parameters of a Query API request must be signed.');
  }
  input.letBodyIn();
  const body = input.body ?? (await readVerifiedFormBody(req, verified, MAX_FORM_BODY));
  return body.length === 0 ? input.query : new ParsedQuery(body.toString('utf8'));
}

/**
 * The parameters of an unsigned Query API call (AssumeRoleWithWebIdentity: the token in it is
 * its proof): the form body, or with no body the query string.
 */
export async function unsignedQueryParams(
  req: IncomingMessage,
  input: Omit<QueryApiInput, 'body'>,
): Promise<URLSearchParams> {
  if (!hasBody(req)) return input.query;
  input.letBodyIn();
  const body = await readFormBody(req, MAX_FORM_BODY);
  return body.length === 0 ? input.query : new ParsedQuery(body.toString('utf8'));
}
