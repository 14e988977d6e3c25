/**
 * The steps of the minimal SigV4 verifier (minimal-sigv4.ts), one function each, as the AWS
 * specification names them: canonical URI and query, canonical headers, canonical request,
 * string to sign, signing key (cached), signature comparison (constant time). Imports nothing
 * from src/.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export type Headers = Record<string, string | string[] | undefined>;

export interface MinimalRequest {
  method: string;
  /** Path and query exactly as on the request line (still URI-encoded). */
  rawPath: string;
  rawQuery: string;
  /** Lower-case names, as node:http gives them. */
  headers: Headers;
  /** A buffered body (tests): hashed when the signer signed the body without declaring its hash. */
  body?: Buffer;
}

export interface MinimalOptions {
  now: number;
  lookup: (accessKey: string) => { secretKey: string; sessionToken?: string } | undefined;
  /** The service the scope must name (default s3) and the region (any when unset). */
  service?: string;
  region?: string;
}

/** What the body still owes once the signature matched. */
export type PayloadCheck =
  | { type: 'none' }
  | { type: 'sha256'; expected: string }
  | { type: 'chunks'; seed: string; amzDate: string; scope: string; key: Buffer; decodedLength: number };

/** A refused request: the S3 error code and why. */
export class AuthFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';

const fail = (code: string, message: string) => new AuthFailure(code, message);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
/** hex(SHA-256(data)), one shot (strings as UTF-8). */
export const sha256Hex = (data: string | Buffer) => hash('sha256', data, 'hex');

const keys = new Map<string, Buffer>();
/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached (bounded). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= 64) keys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    keys.set(id, key);
  }
  return key;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const ESCAPED = /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/;
/** An escape of an unreserved byte ('%41' for 'A'): AWS would not have escaped it. */
const PATH_AS_AWS = /^(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})*$/;
const NEEDLESS_ESCAPE = /%(?:2[DE]|3\d|4[1-9A-F]|5[\dAF]|6[1-9A-F]|7[\dAE])/;

/**
 * "URI-encode each byte except the unreserved characters A-Z a-z 0-9 - . _ ~, hex upper case."
 * The request carries the component already encoded (S3 does not encode twice): one that is in
 * AWS's form is taken as it is; another client's escapes are decoded and encoded AWS's way.
 * `plusIsSpace`: in the query '+' means a space; in the path it is a '+'.
 */
export function canonicalComponent(raw: string, plusIsSpace: boolean): string {
  if (UNRESERVED.test(raw) || (ESCAPED.test(raw) && !NEEDLESS_ESCAPE.test(raw))) return raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(plusIsSpace ? raw.replaceAll('+', ' ') : raw);
  } catch {
    throw fail('InvalidURI', `Couldn't parse the specified URI: ${raw}`);
  }
  return encodeURIComponent(decoded).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The canonical URI: the path as sent, each segment in AWS's encoding; S3 does not normalize it. */
export function canonicalUri(rawPath: string): string {
  if (PATH_AS_AWS.test(rawPath) && !NEEDLESS_ESCAPE.test(rawPath)) return rawPath || '/';
  return rawPath
    .split('/')
    .map((s) => canonicalComponent(s, false))
    .join('/');
}

/** Query parameters: [canonical name, canonical value, raw value], in the request's order. */
export function queryParams(rawQuery: string): [string, string, string][] {
  if (rawQuery === '') return [];
  const out: [string, string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([
      canonicalComponent(eq < 0 ? part : part.slice(0, eq), true),
      canonicalComponent(value, true),
      value,
    ]);
  }
  return out;
}

/** "Sort the parameter names by character code point"; equal names by value. `omit`: X-Amz-Signature. */
export function canonicalQuery(params: [string, string, string][], omit?: string): string {
  const kept: [string, string, string][] = [];
  for (const p of params) if (p[0] !== omit) kept.push(p);
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let out = '';
  for (let i = 0; i < kept.length; i++) out += `${i ? '&' : ''}${kept[i]![0]}=${kept[i]![1]}`;
  return out;
}

const MESSY = /[\t\r\n]| {2}|^ | $/;
/** "Trim leading and trailing spaces, convert sequential spaces to one"; repeated values joined by ','. */
function headerValue(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') return v.map(headerValue).join(',');
  return MESSY.test(v) ? v.replace(/[ \t\r\n]+/g, ' ').trim() : v;
}

/** Method, canonical URI, canonical query, canonical headers, signed headers, payload hash. */
export function canonicalRequest(
  method: string,
  uri: string,
  query: string,
  headers: Headers,
  signedHeaders: string,
  payloadHash: string,
): string {
  let canonicalHeaders = '';
  for (const name of signedHeaders.split(';')) canonicalHeaders += `${name}:${headerValue(headers[name])}\n`;
  return `${method}\n${uri}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
}

/** "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + hex(SHA256(canonical request)). */
export const stringToSign = (amzDate: string, scope: string, canonical: string) =>
  `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;

/** hex(HMAC-SHA256(kSigning, string to sign)). */
export const createSignature = (key: Buffer, toSign: string) =>
  createHmac('sha256', key).update(toSign).digest('hex');

/** Constant-time comparison of two secrets of public length (signatures, session tokens). */
export function sameSignature(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}
