/**
 * Test support, not part of the public API: a small independent-enough SigV4 client that signs
 * requests (header and presigned forms) and encodes aws-chunked bodies with chained chunk
 * signatures and trailers, so that tests can produce every wire form the verifiers accept.
 */
import { sha256Hex } from '../core/index.js';
import { splitQuery } from './query.js';
import { canonicalRequest } from './sigv4/canonical-request.js';
import { deriveSigningKey, signHex } from './sigv4/signing-key.js';
import { chunkStringToSign, stringToSign, trailerStringToSign } from './sigv4/string-to-sign.js';
import type { AuthRequest } from './types.js';

export interface TestCredentials {
  accessKey: string;
  secretKey: string;
  region?: string;
  service?: string;
  sessionToken?: string;
}

export interface Signed {
  req: AuthRequest;
  signingKey: Buffer;
  scope: string;
  amzDate: string;
  signature: string;
}

function scopeOf(c: TestCredentials, amzDate: string): string {
  return `${amzDate.slice(0, 8)}/${c.region ?? 'us-east-1'}/${c.service ?? 's3'}/aws4_request`;
}

function keyOf(c: TestCredentials, amzDate: string): Buffer {
  return deriveSigningKey(c.secretKey, amzDate.slice(0, 8), c.region ?? 'us-east-1', c.service ?? 's3');
}

/** Signs every header present (names lower-case) with an Authorization header. */
export function signHeader(
  base: { method: string; rawPath: string; rawQuery?: string; headers: Record<string, string> },
  c: TestCredentials,
  amzDate: string,
  payloadHash: string,
  omit: readonly ('x-amz-date' | 'x-amz-content-sha256')[] = [],
): Signed {
  const headers: Record<string, string> = {
    ...base.headers,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
  };
  for (const name of omit) delete headers[name];
  if (c.sessionToken) headers['x-amz-security-token'] = c.sessionToken;
  const names = Object.keys(headers).sort();
  const scope = scopeOf(c, amzDate);
  const canonical = canonicalRequest({
    method: base.method,
    rawPath: base.rawPath,
    params: splitQuery(base.rawQuery ?? ''),
    headers,
    signedHeaders: names.join(';'),
    signedHeaderNames: names,
    payloadHash,
    presigned: false,
  });
  const signingKey = keyOf(c, amzDate);
  const signature = signHex(signingKey, stringToSign(amzDate, scope, canonical));
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${c.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return {
    req: { method: base.method, rawPath: base.rawPath, rawQuery: base.rawQuery ?? '', headers },
    signingKey,
    scope,
    amzDate,
    signature,
  };
}

/**
 * A presigned URL's request, with any extra query parameters first. It signs host and the
 * `headers` given (none by default, as getSignedUrl). S3 URLs sign UNSIGNED-PAYLOAD; other
 * services sign the body's hash (pass EMPTY_SHA256 for no body).
 */
export function presign(
  base: {
    method: string;
    rawPath: string;
    rawQuery?: string;
    host: string;
    headers?: Record<string, string>;
  },
  c: TestCredentials,
  amzDate: string,
  expires: number,
  payloadHash = 'UNSIGNED-PAYLOAD',
): AuthRequest {
  const scope = scopeOf(c, amzDate);
  const headers: Record<string, string> = { ...base.headers, host: base.host };
  const names = Object.keys(headers).sort();
  const params = [
    ...(base.rawQuery ? [base.rawQuery] : []),
    'X-Amz-Algorithm=AWS4-HMAC-SHA256',
    `X-Amz-Credential=${encodeURIComponent(`${c.accessKey}/${scope}`)}`,
    `X-Amz-Date=${amzDate}`,
    `X-Amz-Expires=${expires}`,
    `X-Amz-SignedHeaders=${encodeURIComponent(names.join(';'))}`,
    ...(c.sessionToken ? [`X-Amz-Security-Token=${encodeURIComponent(c.sessionToken)}`] : []),
  ].join('&');
  const canonical = canonicalRequest({
    method: base.method,
    rawPath: base.rawPath,
    params: splitQuery(params),
    headers,
    signedHeaders: names.join(';'),
    signedHeaderNames: names,
    payloadHash,
    presigned: true,
  });
  const signature = signHex(keyOf(c, amzDate), stringToSign(amzDate, scope, canonical));
  return {
    method: base.method,
    rawPath: base.rawPath,
    rawQuery: `${params}&X-Amz-Signature=${signature}`,
    headers,
  };
}

export interface ChunkedOptions {
  /** Sign chunks (chained from `seed`), as STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]. */
  signing?: { signingKey: Buffer; amzDate: string; scope: string; seed: string };
  trailers?: [string, string][];
  signedTrailer?: boolean;
  /** End with the empty line after the trailers (default true). */
  finalCrlf?: boolean;
}

/** Encodes data chunks as an aws-chunked body. */
export function encodeAwsChunked(chunks: readonly Buffer[], o: ChunkedOptions = {}): Buffer {
  const out: Buffer[] = [];
  let previous = o.signing?.seed ?? '';
  const sign = (data: Buffer) => {
    if (!o.signing) return '';
    previous = signHex(
      o.signing.signingKey,
      chunkStringToSign(o.signing.amzDate, o.signing.scope, previous, sha256Hex(data)),
    );
    return `;chunk-signature=${previous}`;
  };
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    out.push(Buffer.from(`${chunk.length.toString(16)}${sign(chunk)}\r\n`));
    if (chunk.length > 0) out.push(chunk, Buffer.from('\r\n'));
  }
  let text = '';
  for (const [name, value] of o.trailers ?? []) text += `${name}:${value}\n`;
  out.push(Buffer.from(text.replaceAll('\n', '\r\n')));
  if (o.signing && o.signedTrailer) {
    const sts = trailerStringToSign(o.signing.amzDate, o.signing.scope, previous, sha256Hex(text));
    out.push(Buffer.from(`x-amz-trailer-signature:${signHex(o.signing.signingKey, sts)}\r\n`));
  }
  if (o.finalCrlf ?? true) out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}
