import { type CallOptions, call, parseXml } from './client.js';

/** The S3 API through the console's signing relay: `/api/v1/s3/<bucket>/<key>` (path style). */
export function s3Path(bucket?: string, key?: string): string {
  let p = '/api/v1/s3';
  if (bucket !== undefined) p += `/${encodeURIComponent(bucket)}`;
  if (key !== undefined) p += `/${key.split('/').map(encodeURIComponent).join('/')}`;
  return p;
}

export async function s3(
  bucket: string | undefined,
  key: string | undefined,
  o: CallOptions = {},
): Promise<Response> {
  return call(s3Path(bucket, key), o);
}

/** An S3 call whose answer is XML (empty answers give an empty document). */
export async function s3Xml(
  bucket: string | undefined,
  key: string | undefined,
  o: CallOptions = {},
): Promise<Document> {
  const res = await s3(bucket, key, o);
  const text = await res.text();
  return parseXml(text === '' ? '<Empty/>' : text);
}
