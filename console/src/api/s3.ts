import { type CallOptions, call, childText, parseXml, postJson } from './client.js';
import { ApiError } from './errors.js';

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

/** Escapes text for an XML element or attribute. */
export function xmlEscape(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE) of `bytes`, Base64 of its 4 big-endian bytes, as x-amz-checksum-crc32 carries it. */
export function crc32Base64(bytes: Uint8Array): string {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  crc = (crc ^ 0xffffffff) >>> 0;
  return btoa(String.fromCharCode(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff));
}

/**
 * A small document body with its checksum: S3 requires an integrity value on DeleteObjects,
 * PutBucketLifecycleConfiguration, PutBucketCors and PutPublicAccessBlock ("Missing required header
 * for this request: Content-MD5"); CRC-32 needs no secure context, unlike WebCrypto.
 */
export function documentBody(text: string, contentType: string): Pick<CallOptions, 'headers' | 'body'> {
  const bytes = new TextEncoder().encode(text);
  return {
    headers: {
      'Content-Type': contentType,
      'x-amz-checksum-crc32': crc32Base64(bytes),
    },
    body: bytes,
  };
}

/** A bucket sub-resource document (`?policy`, `?cors`…), or undefined when S3 says it has none. */
export async function getBucketDocument(
  bucket: string,
  subresource: string,
  noneCodes: readonly string[],
): Promise<string | undefined> {
  try {
    const res = await s3(bucket, undefined, { query: { [subresource]: '' } });
    return await res.text();
  } catch (e) {
    if (e instanceof ApiError && noneCodes.includes(e.code)) return undefined;
    throw e;
  }
}

export async function putBucketDocument(
  bucket: string,
  subresource: string,
  text: string,
  contentType = 'application/xml',
): Promise<void> {
  await s3(bucket, undefined, {
    method: 'PUT',
    query: { [subresource]: '' },
    ...documentBody(text, contentType),
  });
}

export async function deleteBucketDocument(bucket: string, subresource: string): Promise<void> {
  await s3(bucket, undefined, { method: 'DELETE', query: { [subresource]: '' } });
}

export interface BucketInfo {
  name: string;
  created: string;
}

export async function listBuckets(): Promise<BucketInfo[]> {
  const doc = await s3Xml(undefined, undefined);
  const buckets = Array.from(doc.getElementsByTagName('Bucket'));
  return buckets.map((b) => ({
    name: childText(b, 'Name') ?? '',
    created: childText(b, 'CreationDate') ?? '',
  }));
}

export async function createBucket(
  name: string,
  o: { versioning: boolean; objectLock: boolean },
): Promise<void> {
  const headers: Record<string, string> = {};
  // "x-amz-bucket-object-lock-enabled: Specifies whether you want S3 Object Lock to be enabled for the new bucket."
  if (o.objectLock) headers['x-amz-bucket-object-lock-enabled'] = 'true';
  await s3(name, undefined, { method: 'PUT', headers });
  if (o.versioning && !o.objectLock) await putVersioning(name, 'Enabled');
}

export async function deleteBucket(name: string): Promise<void> {
  await s3(name, undefined, { method: 'DELETE' });
}

/** `Enabled`, `Suspended`, or `''` for a bucket whose versioning was never turned on. */
export async function getVersioning(bucket: string): Promise<string> {
  const doc = await s3Xml(bucket, undefined, { query: { versioning: '' } });
  return childText(doc, 'Status') ?? '';
}

export async function putVersioning(bucket: string, status: 'Enabled' | 'Suspended'): Promise<void> {
  const xml = `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${status}</Status></VersioningConfiguration>`;
  await putBucketDocument(bucket, 'versioning', xml);
}

export interface PolicyProblem {
  path: string;
  message: string;
}

export interface PolicyValidation {
  valid: boolean;
  errors: PolicyProblem[];
  warnings: PolicyProblem[];
}

export async function validatePolicy(
  document: string,
  kind: 'identity' | 'resource',
): Promise<PolicyValidation> {
  return postJson('/api/v1/policy/validate', { document, kind });
}
