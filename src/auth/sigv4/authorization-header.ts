import { TesseraError } from '../../core/index.js';
import { type CredentialScope, parseCredential } from './credential-scope.js';

export const V4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** A parsed SigV4 Authorization header. */
export interface V4Authorization {
  credential: CredentialScope;
  /** The SignedHeaders value exactly as sent (the canonical request repeats it). */
  signedHeaders: string;
  /** The signed header names, in the order sent. */
  signedHeaderNames: readonly string[];
  signature: string;
}

function malformed(message?: string): TesseraError {
  return new TesseraError('AuthorizationHeaderMalformed', message);
}

let lastSigned = '';
let lastNames: readonly string[] = Object.freeze([]);

/**
 * Splits and checks a SignedHeaders list: lower-case names separated by ';'. A client sends the
 * same list request after request: the last list's names are kept (frozen) and given again.
 */
export function parseSignedHeaders(value: string, fail: () => TesseraError): readonly string[] {
  if (value === lastSigned && value !== '') return lastNames;
  if (value === '') throw fail();
  const names = value.split(';');
  for (const name of names) {
    if (name === '' || name !== name.toLowerCase() || name.trim() !== name) throw fail();
  }
  lastSigned = value;
  lastNames = Object.freeze(names);
  return lastNames;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, SignedHeaders=a;b,
 * Signature=hex`. Spaces after the commas are optional (s3cmd sends none).
 * Throws AuthorizationHeaderMalformed for anything else.
 */
export function parseV4Authorization(value: string, services: readonly string[]): V4Authorization {
  const [credential, signedHeaders, signature] = splitUsual(value) ?? splitAuthorization(value);
  return {
    credential: parseCredential(credential, 'AuthorizationHeaderMalformed', services),
    signedHeaders,
    signedHeaderNames: parseSignedHeaders(signedHeaders, () => malformed()),
    signature,
  };
}

/** Credential, SignedHeaders and Signature of an Authorization value, in any order. */
export function splitAuthorization(value: string): [string, string, string] {
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
  return [credential, signedHeaders, signature];
}

const USUAL_CREDENTIAL = `${V4_ALGORITHM} Credential=`;
/** Whether String#trim would remove something from `s` (its first or last character is white space). */
function edgeSpace(s: string): boolean {
  return s !== '' && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1)));
}

function isSpace(c: number): boolean {
  if (c > 32 && c < 0x80) return false;
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0x80 && /\s/.test(String.fromCharCode(c)));
}

/**
 * splitAuthorization for the form every SDK sends — `Credential=…, SignedHeaders=…,
 * Signature=…` in that order, a comma and at most one space between — without splitting and
 * trimming; undefined (the general parse decides) for anything else.
 */
export function splitUsual(value: string): [string, string, string] | undefined {
  if (!value.startsWith(USUAL_CREDENTIAL)) return undefined;
  const c = value.indexOf(',', USUAL_CREDENTIAL.length);
  if (c < 0) return undefined;
  let at = value.charCodeAt(c + 1) === 32 ? c + 2 : c + 1;
  if (!value.startsWith('SignedHeaders=', at)) return undefined;
  const h = value.indexOf(',', at + 14);
  if (h < 0) return undefined;
  const signedHeaders = value.slice(at + 14, h);
  at = value.charCodeAt(h + 1) === 32 ? h + 2 : h + 1;
  if (!value.startsWith('Signature=', at)) return undefined;
  const signature = value.slice(at + 10);
  const credential = value.slice(USUAL_CREDENTIAL.length, c);
  if (signature === '' || signature.includes(',')) return undefined;
  if (edgeSpace(credential) || edgeSpace(signedHeaders) || edgeSpace(signature)) return undefined;
  return [credential, signedHeaders, signature];
}
