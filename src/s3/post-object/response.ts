import type { S3Response } from '../context.js';

/** Text content escaped as S3 writes it in a PostResponse (the ETag's quotes stay as they are). */
function text(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** What an upload answers with: where the object is and what it is. */
export interface PostResult {
  bucket: string;
  key: string;
  /** Quoted. */
  etag: string;
  /** The object's URL (the key's `/` as %2F, as S3 writes it). */
  location: string;
  headers: Record<string, string>;
}

/** The object's URL: `base/bucket/key` path style, `base/key` on a virtual host. */
export function objectLocation(baseUrl: string, bucket: string, key: string, virtualHost: boolean): string {
  const path = encodeURIComponent(key);
  return virtualHost ? `${baseUrl}/${path}` : `${baseUrl}/${encodeURIComponent(bucket)}/${path}`;
}

/** An absolute http(s) URL: S3 redirects only to those (a relative one is ignored). */
function redirectTarget(value: string | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The answer to a successful upload. "success_action_redirect": 303 See Other to that URL with
 * bucket, key and etag added to its query (form-encoded, after any query it has);
 * "success_action_status": 200 or 204 with an empty body, 201 with a PostResponse document;
 * anything else (or nothing) 204. ETag and Location headers always.
 */
export function postResponse(
  result: PostResult,
  redirect: string | undefined,
  status: string | undefined,
): S3Response {
  const headers: Record<string, string | number> = {
    ...result.headers,
    etag: result.etag,
    location: result.location,
  };
  const target = redirectTarget(redirect);
  if (target !== undefined) {
    const added = new URLSearchParams({ bucket: result.bucket, key: result.key, etag: result.etag });
    const sep = redirect!.includes('?')
      ? redirect!.endsWith('?') || redirect!.endsWith('&')
        ? ''
        : '&'
      : '?';
    return { status: 303, headers: { ...headers, location: `${redirect}${sep}${added}` } };
  }
  if (status === '201') {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>' +
      `<Location>${text(result.location)}</Location>` +
      `<Bucket>${text(result.bucket)}</Bucket>` +
      `<Key>${text(result.key)}</Key>` +
      `<ETag>${text(result.etag)}</ETag></PostResponse>`;
    return { status: 201, headers: { ...headers, 'content-type': 'application/xml' }, body };
  }
  return { status: status === '200' ? 200 : 204, headers };
}
