import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { paramKey, splitQuery } from '../auth/index.js';
import { TesseraError } from '../core/index.js';
import type { SignedInCall } from './call.js';
import type { ConsoleOptions } from './options.js';
import { forwardedRequestHeaders, passResponseHead, userAgent } from './relay-headers.js';
import { signRequest } from './sigv4.js';
import { callUpstream, readAll, upstreamHost } from './upstream.js';

/** Form bodies of the IAM and STS Query APIs (policy documents included) are small. */
const MAX_FORM_BODY = 1024 * 1024;

function keysOf(call: SignedInCall) {
  const s = call.session;
  return { accessKey: s.accessKey, secretKey: s.secretKey, sessionToken: s.sessionToken };
}

/** Whether the raw query names a parameter `Action` (the IAM/STS Query API on a GET). */
function namesAction(rawQuery: string): boolean {
  return splitQuery(rawQuery).some((p) => paramKey(p).toLowerCase() === 'action');
}

/**
 * `ANY /api/v1/s3/<bucket>/<key>?<query>` → the S3 API, path style, signed as the session with
 * UNSIGNED-PAYLOAD: request and answer bodies stream (20 MiB parts are never buffered). A query
 * naming `Action` is refused, so that no call reaches the Query API through it, and so is
 * MinIO's reserved `/minio/` prefix (the admin relay signs those calls as madmin does).
 */
export async function relayS3(o: ConsoleOptions, call: SignedInCall, rawPath: string): Promise<void> {
  if (namesAction(call.rawQuery))
    throw new TesseraError('InvalidArgument', 'The S3 relay does not take an Action parameter.');
  // MinIO's reserved prefix (admin, metrics, health, KMS) has its own relays.
  if (/^\/minio(\/|$)/i.test(rawPath))
    throw new TesseraError('InvalidArgument', 'The S3 relay does not reach /minio/: use /api/v1/admin.');
  const method = call.req.method ?? 'GET';
  const headers: Record<string, string> = {
    ...forwardedRequestHeaders(call.req.headers),
    host: upstreamHost(o.upstream),
    'user-agent': userAgent(call.req),
  };
  const hasBody =
    call.req.headers['content-length'] !== undefined || call.req.headers['transfer-encoding'] !== undefined;
  const signed = signRequest(
    {
      method,
      rawPath: rawPath === '' ? '/' : rawPath,
      rawQuery: call.rawQuery,
      headers,
      payloadHash: 'UNSIGNED-PAYLOAD',
      region: o.region,
      service: 's3',
    },
    keysOf(call),
  );
  const answer = await callUpstream(o.upstream, {
    method,
    path: `${rawPath === '' ? '/' : rawPath}${call.rawQuery === '' ? '' : `?${call.rawQuery}`}`,
    headers: signed,
    ...(hasBody && method !== 'GET' && method !== 'HEAD' ? { body: call.req } : {}),
  });
  passResponseHead(answer, call.res);
  await pipeline(answer, call.res);
}

/** Signs a small body with its SHA-256 and returns the listener's answer in full. */
export async function signedExchange(
  o: ConsoleOptions,
  call: SignedInCall,
  r: {
    method: string;
    path: string;
    rawQuery: string;
    body: Buffer;
    contentType?: string;
    service: string;
    limit: number;
  },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const headers: Record<string, string> = {
    host: upstreamHost(o.upstream),
    'user-agent': userAgent(call.req),
    ...(r.contentType === undefined ? {} : { 'content-type': r.contentType }),
    ...(r.body.length > 0 || r.method !== 'GET' ? { 'content-length': String(r.body.length) } : {}),
  };
  const signed = signRequest(
    {
      method: r.method,
      rawPath: r.path,
      rawQuery: r.rawQuery,
      headers,
      payloadHash: createHash('sha256').update(r.body).digest('hex'),
      region: o.region,
      service: r.service,
    },
    keysOf(call),
  );
  const answer = await callUpstream(o.upstream, {
    method: r.method,
    path: `${r.path}${r.rawQuery === '' ? '' : `?${r.rawQuery}`}`,
    headers: signed,
    ...(r.body.length > 0 ? { body: r.body } : {}),
  });
  return { status: answer.statusCode ?? 502, headers: answer.headers, body: await readAll(answer, r.limit) };
}

/**
 * `POST /api/v1/iam` and `POST /api/v1/sts` (form bodies) → the Query API signed for service
 * `iam` or `sts`; the XML answer passes through unchanged.
 */
export async function relayQuery(
  o: ConsoleOptions,
  call: SignedInCall,
  service: 'iam' | 'sts',
): Promise<void> {
  if (call.req.method !== 'POST')
    throw new TesseraError('MethodNotAllowed', 'The Query API is called with POST.');
  const type = call.req.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type))
    throw new TesseraError('InvalidArgument', 'The body must be application/x-www-form-urlencoded.');
  const body = await readAll(call.req, MAX_FORM_BODY);
  const answer = await signedExchange(o, call, {
    method: 'POST',
    path: '/',
    rawQuery: '',
    body,
    contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    service,
    limit: 16 * 1024 * 1024,
  });
  sendBuffered(call, answer);
}

/** Passes a buffered answer of the listener on (status, content type, body). */
export function sendBuffered(
  call: SignedInCall,
  answer: { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer },
  contentType?: string,
): void {
  const res = call.res;
  res.statusCode = answer.status;
  const type = contentType ?? answer.headers['content-type'];
  if (type !== undefined) res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', answer.body.length);
  res.end(answer.body);
}
