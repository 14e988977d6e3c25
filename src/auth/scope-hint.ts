import { header } from './headers.js';

/** `…/<region>/<service>/aws4_request` → service; undefined when it has no such shape. */
function serviceOf(credential: string): string | undefined {
  const end = credential.lastIndexOf('/');
  if (end < 0 || credential.slice(end + 1) !== 'aws4_request') return undefined;
  const start = credential.lastIndexOf('/', end - 1);
  return start < 0 ? undefined : credential.slice(start + 1, end);
}

/**
 * The service a SigV4 request says it was signed for, read without verifying anything: the
 * pipeline needs it to pick an API before authentication (a GET / signed for `iam` is a Query API
 * call, not ListBuckets). Verification checks the real scope afterwards.
 * @example signedServiceHint({ authorization: 'AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/iam/aws4_request, …' }, '') // 'iam'
 */
export function signedServiceHint(
  headers: Record<string, string | string[] | undefined>,
  rawQuery: string,
): string | undefined {
  const authorization = header(headers, 'authorization');
  if (authorization !== undefined) {
    const at = authorization.indexOf('Credential=');
    if (at < 0) return undefined;
    const stop = authorization.indexOf(',', at);
    return serviceOf(authorization.slice(at + 11, stop < 0 ? undefined : stop).trim());
  }
  const at = rawQuery.indexOf('X-Amz-Credential=');
  if (at < 0) return undefined;
  const stop = rawQuery.indexOf('&', at);
  const raw = rawQuery.slice(at + 17, stop < 0 ? undefined : stop);
  try {
    return serviceOf(decodeURIComponent(raw));
  } catch {
    return undefined;
  }
}
