import { canonicalHeaderValue, header } from '../headers.js';
import { paramKey, type RawParam } from '../query.js';
import type { AuthRequest } from '../types.js';
import { decodeQueryComponent } from '../uri-encode.js';

/** The query parameters that are part of V2's CanonicalizedResource ("sub-resources"), sorted. */
export const V2_SUB_RESOURCES: readonly string[] = [
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'partNumber',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'retention',
  'select',
  'select-type',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
];

/** The bucket named by a virtual-host-style Host header, or undefined for path style. */
export function virtualHostBucket(
  host: string | undefined,
  domains: readonly string[] | undefined,
): string | undefined {
  if (host === undefined || !domains) return undefined;
  const colon = host.lastIndexOf(':');
  const name = (colon > host.lastIndexOf(']') ? host.slice(0, colon) : host).toLowerCase();
  for (const domain of domains) {
    const d = domain.toLowerCase();
    if (
      name.length > d.length + 1 &&
      name.endsWith(d) &&
      name.charCodeAt(name.length - d.length - 1) === 46
    ) {
      return name.slice(0, name.length - d.length - 1);
    }
  }
  return undefined;
}

/**
 * CanonicalizedResource: "/bucket" for virtual-host requests, then the path as sent, then the
 * sub-resources sorted by name with their decoded values (`?acl`, `?partNumber=2&uploadId=x`).
 */
export function canonicalResourceV2(
  path: string,
  params: readonly RawParam[],
  bucket: string | undefined,
): string {
  let out = bucket === undefined ? path : '/' + bucket + path;
  const subs: [string, string | undefined][] = [];
  for (const p of params) {
    const key = paramKey(p);
    if (V2_SUB_RESOURCES.includes(key))
      subs.push([key, p.value === undefined ? undefined : decodeQueryComponent(p.value)]);
  }
  if (subs.length === 0) return out;
  subs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let i = 0; i < subs.length; i++) {
    const [k, v] = subs[i]!;
    out += (i === 0 ? '?' : '&') + k + (v === undefined || v === '' ? '' : '=' + v);
  }
  return out;
}

/** CanonicalizedAmzHeaders: every x-amz-* header, lower-case, sorted, `name:value\n`. */
export function canonicalAmzHeaders(headers: AuthRequest['headers'], extra?: Record<string, string>): string {
  const names: string[] = [];
  for (const name in headers) if (name.startsWith('x-amz-') && headers[name] !== undefined) names.push(name);
  if (extra) for (const name in extra) if (!names.includes(name)) names.push(name);
  names.sort();
  let out = '';
  for (const name of names) out += name + ':' + canonicalHeaderValue(headers[name] ?? extra?.[name]) + '\n';
  return out;
}

/**
 * StringToSign = HTTP-Verb \n Content-MD5 \n Content-Type \n Date \n CanonicalizedAmzHeaders
 * CanonicalizedResource. "If you include x-amz-date, use the empty string for the Date";
 * presigned URLs put Expires in its place.
 */
export function stringToSignV2(req: AuthRequest, date: string, amzHeaders: string, resource: string): string {
  return (
    req.method +
    '\n' +
    (header(req.headers, 'content-md5') ?? '') +
    '\n' +
    (header(req.headers, 'content-type') ?? '') +
    '\n' +
    date +
    '\n' +
    amzHeaders +
    resource
  );
}
