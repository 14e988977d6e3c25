import { createHash } from 'node:crypto';
import { type Principal, unhandled } from '../core/index.js';
import type { DocumentDigest } from './entry.js';
import { FieldList } from './field-list.js';
import { redactValue } from './redact.js';

/**
 * What the audit entry needs from a request that the request event carries, gathered (and
 * redacted) by the http layer with these helpers: the principal's identity, selected headers,
 * the query, the access key a failed request claimed, why authentication failed.
 */

/** The identity facts of a principal (docs/audit.md `auth`). */
export interface PrincipalFacts {
  principalType: string;
  principalArn?: string;
  account?: string;
  parentUser?: string;
  groups?: readonly string[];
  sessionId?: string;
  identitySource?: string;
}

export function principalFacts(p: Principal | undefined): PrincipalFacts {
  return addPrincipalFacts({ principalType: 'anonymous' }, p);
}

/** principalFacts written into `out` (the request event's `auth`), field by field. */
export function addPrincipalFacts<T extends Partial<PrincipalFacts>>(
  out: T,
  p: Principal | undefined,
): T & PrincipalFacts {
  const o = out as T & PrincipalFacts;
  if (p === undefined || p.kind === 'anonymous') {
    o.principalType = 'anonymous';
    return o;
  }
  o.principalType = p.kind;
  o.principalArn = p.arn;
  o.account = p.account;
  switch (p.kind) {
    case 'root':
      break;
    case 'user':
      if (p.groups.length > 0) o.groups = p.groups;
      break;
    case 'serviceAccount':
      o.parentUser = p.parent.kind === 'user' ? p.parent.name : p.name;
      if (p.groups.length > 0) o.groups = p.groups;
      break;
    case 'session':
      o.parentUser =
        p.parent.kind === 'serviceAccount' && p.parent.parent.kind === 'user'
          ? p.parent.parent.name
          : p.parent.name;
      if (p.groups.length > 0) o.groups = p.groups;
      o.sessionId = p.sessionId;
      // A federated identity's provider and subject: `openid:<provider>:<sub>`, `ldap:<directory>:<user DN>`.
      o.identitySource = p.parent.kind === 'federated' ? `${p.parent.source}:${p.parent.subject}` : 'sts';
      return o;
    default:
      return unhandled(p);
  }
  o.identitySource = 'builtin';
  return o;
}

/** Request headers the audit entry keeps (besides every `x-amz-*`), MinIO's `requestHeader`. */
const REQUEST_HEADERS = new Set([
  'host',
  'authorization',
  'content-type',
  'content-length',
  'content-md5',
  'content-encoding',
  'range',
  'expect',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'origin',
  'referer',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** Response headers the audit entry keeps, MinIO's `responseHeader`. */
export const RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'etag',
  'last-modified',
  'location',
  'x-amz-request-id',
  'x-amz-version-id',
  'x-amz-delete-marker',
  'x-amz-server-side-encryption',
  'x-amz-expiration',
] as const;

const MAX_HEADERS = 64;
const MAX_VALUE = 1024;

function clip(v: string): string {
  return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…` : v;
}

/** The selected request headers, redacted (at most 64, each value at most 1 KiB). */
export function selectRequestHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): FieldList {
  const out = new FieldList();
  let n = 0;
  for (const name in headers) {
    const raw = headers[name];
    if (raw === undefined || !(name.startsWith('x-amz-') || REQUEST_HEADERS.has(name))) continue;
    if (++n > MAX_HEADERS) break;
    // Names are a map's keys: each once.
    out.push(name, clip(redactValue(name, typeof raw === 'string' ? raw : raw.join(','))));
  }
  return out;
}

/** The selected response headers, from a getter (ServerResponse.getHeader). */
export function selectResponseHeaders(
  get: (name: string) => number | string | string[] | undefined,
): FieldList {
  const out = new FieldList();
  for (const name of RESPONSE_HEADERS) {
    const v = get(name);
    if (v !== undefined)
      out.push(
        name,
        clip(redactValue(name, typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : String(v))),
      );
  }
  return out;
}

let lastRaw: string | undefined;
let lastQuery = new FieldList();

/**
 * selectQuery of a request's query, given its raw text too: a client that sends the same URL
 * again and again (a presigned GET) gets the list made the first time (lists are never changed
 * once made).
 */
export function selectRawQuery(raw: string, query: URLSearchParams): FieldList {
  if (raw !== lastRaw) {
    lastQuery = selectQuery(query);
    lastRaw = raw;
  }
  return lastQuery;
}

/** The query parameters, redacted (MinIO's `requestQuery`; repeated names joined with ','). */
export function selectQuery(query: URLSearchParams): FieldList {
  const out = new FieldList();
  let n = 0;
  query.forEach((v, k) => {
    if (++n <= MAX_HEADERS) out.add(k, clip(redactValue(k, v)));
  });
  return out;
}

/**
 * The access key a request claimed (read without verifying anything), for entries of requests
 * that failed authentication: SigV4's Credential, SigV2's `AWS key:`, or the presigned forms.
 */
export function claimedAccessKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: URLSearchParams,
): string | undefined {
  const raw = headers.authorization;
  const auth = Array.isArray(raw) ? raw[0] : raw;
  let key: string | undefined;
  if (auth !== undefined) {
    key = /Credential=([^/,\s]+)\//.exec(auth)?.[1] ?? /^AWS\s+([^:\s]+):/.exec(auth)?.[1] ?? undefined;
  } else {
    key = query.get('X-Amz-Credential')?.split('/')[0] ?? query.get('AWSAccessKeyId') ?? undefined;
  }
  return key !== undefined && /^[A-Za-z0-9._~+=@-]{1,128}$/.test(key) ? key : undefined;
}

/**
 * Why authentication failed, from the error code and message (docs/audit.md lists the reasons):
 * `unknown-key`, `bad-signature`, `expired`, `not-yet-valid`, `clock-skew`, `expired-token`,
 * `bad-token`, `revoked`, `missing-date`, `unsigned-headers`, `malformed`, `unsupported`, or the code.
 */
export function authFailureReason(code: string, message = ''): string {
  switch (code) {
    case 'InvalidAccessKeyId':
      return 'unknown-key';
    case 'SignatureDoesNotMatch':
      return 'bad-signature';
    case 'RequestTimeTooSkewed':
      return 'clock-skew';
    case 'ExpiredToken':
      return 'expired-token';
    case 'InvalidToken':
      return 'bad-token';
    case 'AuthorizationHeaderMalformed':
    case 'AuthorizationQueryParametersError':
      return 'malformed';
    case 'AccessDenied':
      if (/was revoked/i.test(message)) return 'revoked';
      if (/expired/i.test(message)) return 'expired';
      if (/not valid yet/i.test(message)) return 'not-yet-valid';
      if (/not signed/i.test(message)) return 'unsigned-headers';
      if (/date/i.test(message)) return 'missing-date';
      return 'denied';
    case 'InvalidArgument':
      return /Authorization Type/i.test(message) ? 'unsupported' : 'invalid-argument';
    default:
      return code;
  }
}

/** A document's digest for a `change` (docs/audit.md): its SHA-256 and size, never its text. */
export function documentDigest(text: string): DocumentDigest {
  const bytes = Buffer.from(text, 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
