import { createHmac } from 'node:crypto';
import { awsUriEncode, canonicalRequest, deriveSigningKey, stringToSign } from '../auth/index.js';
import { formatAmzDate, TesseraError } from '../core/index.js';
import type { SignedInCall } from './call.js';
import { readJsonObject, stringField } from './json-body.js';
import type { ConsoleOptions } from './options.js';
import { sendJson } from './respond.js';

/** SigV4's longest presigned URL (7 days). */
const MAX_EXPIRES = 604_800;

/** The public S3 address of links: TESSERA_SERVER_URL, else the console's host with the S3 port. */
export function publicS3Url(o: ConsoleOptions, call: SignedInCall): string {
  if (o.serverUrl !== undefined) return o.serverUrl;
  const host = new URL(call.origin).hostname;
  return `${o.upstream.tls ? 'https' : 'http'}://${host}:${o.upstream.port()}`;
}

/**
 * A presigned GET of `bucket/key` (path style) with the session's credentials: the token goes
 * into X-Amz-Security-Token, so the link stops working when the session ends.
 */
export function presignGet(
  o: ConsoleOptions,
  call: SignedInCall,
  r: { bucket: string; key: string; versionId?: string; expiresSeconds: number },
  now = Date.now(),
): { url: string; expiresAt: string } {
  const base = new URL(publicS3Url(o, call));
  const date = formatAmzDate(now);
  const scope = `${date.slice(0, 8)}/${o.region}/s3/aws4_request`;
  const rawPath = `/${awsUriEncode(r.bucket)}/${r.key.split('/').map(awsUriEncode).join('/')}`;
  const params: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${call.session.accessKey}/${scope}`],
    ['X-Amz-Date', date],
    ['X-Amz-Expires', String(r.expiresSeconds)],
    ['X-Amz-Security-Token', call.session.sessionToken],
    ['X-Amz-SignedHeaders', 'host'],
    ...(r.versionId === undefined ? [] : ([['versionId', r.versionId]] as [string, string][])),
  ];
  const raw = params.map(([k, v]) => ({ key: awsUriEncode(k), value: awsUriEncode(v) }));
  const canonical = canonicalRequest({
    method: 'GET',
    rawPath,
    params: raw,
    headers: { host: base.host },
    signedHeaders: 'host',
    signedHeaderNames: ['host'],
    payloadHash: 'UNSIGNED-PAYLOAD',
    presigned: true,
  });
  const key = deriveSigningKey(call.session.secretKey, date.slice(0, 8), o.region, 's3');
  const signature = createHmac('sha256', key)
    .update(stringToSign(date, scope, canonical))
    .digest('hex');
  const query = [...raw.map((p) => `${p.key}=${p.value}`), `X-Amz-Signature=${signature}`].join('&');
  return {
    url: `${base.protocol}//${base.host}${rawPath}?${query}`,
    expiresAt: new Date(now + r.expiresSeconds * 1000).toISOString(),
  };
}

/**
 * `POST /api/v1/presign {bucket, key, versionId?, expiresSeconds}` → `{url, expiresAt}`; the
 * expiry is capped by the session's end and by SigV4's 7 days.
 */
export async function presign(o: ConsoleOptions, call: SignedInCall): Promise<void> {
  if (call.req.method !== 'POST') throw new TesseraError('MethodNotAllowed');
  const body = await readJsonObject(call.req);
  const bucket = stringField(body, 'bucket', 63);
  const key = stringField(body, 'key', 1024);
  const versionId =
    body.versionId === undefined || body.versionId === null
      ? undefined
      : stringField(body, 'versionId', 1024);
  const asked = body.expiresSeconds ?? 3600;
  if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1)
    throw new TesseraError(
      'InvalidArgument',
      'expiresSeconds must be a whole number of seconds, at least 1.',
    );
  const now = Date.now();
  const left = Math.floor((Math.min(call.session.expiresAt, call.principal.expiresAt) - now) / 1000);
  const expiresSeconds = Math.max(1, Math.min(asked, left, MAX_EXPIRES));
  sendJson(
    call.res,
    200,
    presignGet(
      o,
      call,
      { bucket, key, expiresSeconds, ...(versionId === undefined ? {} : { versionId }) },
      now,
    ),
  );
}
