import { TesseraError } from '../../core/index.js';
import { type CredentialScope, parseCredential } from './credential-scope.js';

export const V4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** A parsed SigV4 Authorization header. */
export interface V4Authorization {
  credential: CredentialScope;
  /** The SignedHeaders value exactly as sent (the canonical request repeats it). */
  signedHeaders: string;
  /** The signed header names, in the order sent. */
  signedHeaderNames: string[];
  signature: string;
}

function malformed(message?: string): TesseraError {
  return new TesseraError('AuthorizationHeaderMalformed', message);
}

/** Splits and checks a SignedHeaders list: lower-case names separated by ';'. */
export function parseSignedHeaders(value: string, fail: () => TesseraError): string[] {
  if (value === '') throw fail();
  const names = value.split(';');
  for (const name of names) {
    if (name === '' || name !== name.toLowerCase() || name.trim() !== name) throw fail();
  }
  return names;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, SignedHeaders=a;b,
 * Signature=hex`. Spaces after the commas are optional (s3cmd sends none).
 * Throws AuthorizationHeaderMalformed for anything else.
 */
export function parseV4Authorization(value: string, services: readonly string[]): V4Authorization {
  if (!value.startsWith(V4_ALGORITHM) || value.length === V4_ALGORITHM.length) throw malformed();
  if (value.charCodeAt(V4_ALGORITHM.length) !== 32) throw malformed();
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const raw of value.slice(V4_ALGORITHM.length + 1).split(',')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed();
    const key = part.slice(0, eq);
    const v = part.slice(eq + 1);
    if (key === 'Credential' && credential === undefined) credential = v;
    else if (key === 'SignedHeaders' && signedHeaders === undefined) signedHeaders = v;
    else if (key === 'Signature' && signature === undefined) signature = v;
    else throw malformed();
  }
  if (
    credential === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    signature === ''
  ) {
    throw malformed();
  }
  return {
    credential: parseCredential(credential, 'AuthorizationHeaderMalformed', services),
    signedHeaders,
    signedHeaderNames: parseSignedHeaders(signedHeaders, () => malformed()),
    signature,
  };
}
