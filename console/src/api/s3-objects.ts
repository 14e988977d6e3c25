// Objects through the S3 relay: listing, deleting, HEAD, download links, versions, tags, presigning.
import { childText, parseXml, postJson } from './client.js';
import { documentBody, s3, s3Path, s3Xml, xmlEscape } from './s3.js';

function elements(parent: Element, name: string): Element[] {
  return Array.from(parent.children).filter((c) => c.localName === name);
}

export interface ObjectEntry {
  key: string;
  size: number;
  lastModified: string;
  etag: string;
}

export interface Listing {
  folders: string[];
  objects: ObjectEntry[];
  nextToken?: string;
}

/** ListObjectsV2 with delimiter `/`: one page of a folder. */
export async function listFolder(
  bucket: string,
  prefix: string,
  token: string | undefined,
  maxKeys: number,
): Promise<Listing> {
  const doc = await s3Xml(bucket, undefined, {
    query: {
      'list-type': '2',
      delimiter: '/',
      prefix,
      'max-keys': String(maxKeys),
      'continuation-token': token,
    },
  });
  const root = doc.documentElement;
  const folders = elements(root, 'CommonPrefixes').map((p) => childText(p, 'Prefix') ?? '');
  const objects = elements(root, 'Contents').map((c) => ({
    key: childText(c, 'Key') ?? '',
    size: Number(childText(c, 'Size') ?? 0),
    lastModified: childText(c, 'LastModified') ?? '',
    etag: childText(c, 'ETag') ?? '',
  }));
  const next =
    childText(root, 'IsTruncated') === 'true' ? childText(root, 'NextContinuationToken') : undefined;
  return next ? { folders, objects, nextToken: next } : { folders, objects };
}

/** Every key under a prefix (for deleting a folder). */
export async function listAllKeys(bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const doc = await s3Xml(bucket, undefined, {
      query: { 'list-type': '2', prefix, 'continuation-token': token },
    });
    const root = doc.documentElement;
    for (const c of elements(root, 'Contents')) keys.push(childText(c, 'Key') ?? '');
    token = childText(root, 'IsTruncated') === 'true' ? childText(root, 'NextContinuationToken') : undefined;
  } while (token);
  return keys;
}

/** DeleteObjects in batches of 1000; answers the keys S3 refused, with their codes. */
export async function deleteObjects(
  bucket: string,
  keys: readonly string[],
): Promise<{ key: string; code: string; message: string }[]> {
  const failed: { key: string; code: string; message: string }[] = [];
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const xml = `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>${batch
      .map((k) => `<Object><Key>${xmlEscape(k)}</Key></Object>`)
      .join('')}</Delete>`;
    const res = await s3(bucket, undefined, {
      method: 'POST',
      query: { delete: '' },
      ...documentBody(xml, 'application/xml'),
    });
    const doc = parseXml(await res.text());
    for (const e of elements(doc.documentElement, 'Error'))
      failed.push({
        key: childText(e, 'Key') ?? '',
        code: childText(e, 'Code') ?? '',
        message: childText(e, 'Message') ?? '',
      });
  }
  return failed;
}

export async function deleteObject(bucket: string, key: string, versionId?: string): Promise<void> {
  await s3(bucket, key, { method: 'DELETE', query: { versionId } });
}

export async function headObject(bucket: string, key: string, versionId?: string): Promise<Headers> {
  return (await s3(bucket, key, { method: 'HEAD', query: { versionId } })).headers;
}

/** A link that downloads the object (the relay answers with Content-Disposition: attachment). */
export function downloadUrl(bucket: string, key: string, versionId?: string): string {
  const name =
    key
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? 'download';
  const q = new URLSearchParams({
    'response-content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
  if (versionId) q.set('versionId', versionId);
  return `${s3Path(bucket, key)}?${q.toString()}`;
}

export interface VersionEntry {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  lastModified: string;
  size?: number;
  etag?: string;
}

/** ListObjectVersions with prefix=key, keeping only that key's versions (newest first). */
export async function listKeyVersions(bucket: string, key: string): Promise<VersionEntry[]> {
  const out: VersionEntry[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (let page = 0; page < 20; page++) {
    const doc = await s3Xml(bucket, undefined, {
      query: { versions: '', prefix: key, 'key-marker': keyMarker, 'version-id-marker': versionMarker },
    });
    const root = doc.documentElement;
    for (const el of Array.from(root.children)) {
      if (el.localName !== 'Version' && el.localName !== 'DeleteMarker') continue;
      if (childText(el, 'Key') !== key) continue;
      const marker = el.localName === 'DeleteMarker';
      out.push({
        key,
        versionId: childText(el, 'VersionId') ?? 'null',
        isLatest: childText(el, 'IsLatest') === 'true',
        deleteMarker: marker,
        lastModified: childText(el, 'LastModified') ?? '',
        ...(marker ? {} : { size: Number(childText(el, 'Size') ?? 0), etag: childText(el, 'ETag') ?? '' }),
      });
    }
    if (childText(root, 'IsTruncated') !== 'true') break;
    keyMarker = childText(root, 'NextKeyMarker');
    versionMarker = childText(root, 'NextVersionIdMarker');
    // Versions are listed key by key: once the marker has moved past this key, none of its are left.
    if (keyMarker !== key) break;
  }
  return out;
}

export type Tag = { key: string; value: string };

export async function getObjectTags(bucket: string, key: string): Promise<Tag[]> {
  const doc = await s3Xml(bucket, key, { query: { tagging: '' } });
  return Array.from(doc.getElementsByTagName('Tag')).map((t) => ({
    key: childText(t, 'Key') ?? '',
    value: childText(t, 'Value') ?? '',
  }));
}

export async function putObjectTags(bucket: string, key: string, tags: readonly Tag[]): Promise<void> {
  const xml = `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${tags
    .map((t) => `<Tag><Key>${xmlEscape(t.key)}</Key><Value>${xmlEscape(t.value)}</Value></Tag>`)
    .join('')}</TagSet></Tagging>`;
  await s3(bucket, key, { method: 'PUT', query: { tagging: '' }, ...documentBody(xml, 'application/xml') });
}

/** A presigned GET made by the back end with the session's credentials. */
export async function presign(
  bucket: string,
  key: string,
  expiresSeconds: number,
  versionId?: string,
): Promise<{ url: string; expiresAt: string }> {
  return postJson('/api/v1/presign', { bucket, key, expiresSeconds, ...(versionId ? { versionId } : {}) });
}
