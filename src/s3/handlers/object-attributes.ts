import { renderXml, TesseraError, type XmlNode } from '../../core/index.js';
import type { ObjectChecksum, ObjectRecord } from '../../storage/index.js';
import { checksumElement } from '../checksum-headers.js';
import { header, type S3Handler, type S3Request, xmlResponse } from '../context.js';
import type { GetObjectAttributes } from '../ops/objects.js';
import { MAX_LIST, parseCount, parsePartNumberMarker } from '../query-params.js';
import { readKey } from '../sse/index.js';
import { requireObject, versionHeaderOf } from './object-read.js';

/** The attributes x-amz-object-attributes may name, in the order the response lists them. */
const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** x-amz-object-attributes: a comma-separated list (the SDKs join the list), at least one, each known. */
function requestedAttributes(req: S3Request): Set<Attribute> {
  const raw = header(req, 'x-amz-object-attributes') ?? '';
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new TesseraError(
      'InvalidArgument',
      'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
    );
  }
  const known = new Set<string>(ATTRIBUTES);
  for (const name of names) {
    if (!known.has(name)) throw new TesseraError('InvalidArgument', 'Invalid attribute name specified.');
  }
  return new Set(names as Attribute[]);
}

/** A checksum as GetObjectAttributes writes it: the value without a composite's `-N`, then its type. */
function checksumNode(checksum: ObjectChecksum): XmlNode {
  const value = checksum.type === 'COMPOSITE' ? checksum.value.replace(/-\d+$/, '') : checksum.value;
  return { [checksumElement(checksum.algorithm)]: value, ChecksumType: checksum.type };
}

/**
 * ObjectParts of a multipart object, paged by x-amz-max-parts (≤ 1,000) and
 * x-amz-part-number-marker. As S3 answers for general purpose buckets, the Part elements are
 * listed only when the parts carry an additional checksum; PartsCount is always given.
 */
function objectParts(req: S3Request, obj: ObjectRecord): XmlNode | undefined {
  if (!obj.parts) return undefined;
  const maxRaw = header(req, 'x-amz-max-parts');
  const markerRaw = header(req, 'x-amz-part-number-marker');
  const maxParts = Math.min(maxRaw === undefined ? MAX_LIST : parseCount('max-parts')(maxRaw), MAX_LIST);
  const marker = markerRaw === undefined ? 0 : parsePartNumberMarker(markerRaw);
  const withChecksums = obj.parts.every((p) => p.checksum !== undefined);
  const after = withChecksums ? obj.parts.filter((p) => p.partNumber > marker) : [];
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  return {
    IsTruncated: truncated,
    MaxParts: maxParts,
    NextPartNumberMarker: truncated ? page[page.length - 1]?.partNumber : undefined,
    PartNumberMarker: marker,
    Part: page.map((p) => ({
      ...(p.checksum ? { [checksumElement(p.checksum.algorithm)]: p.checksum.value } : {}),
      PartNumber: p.partNumber,
      Size: p.size,
    })),
    PartsCount: obj.parts.length,
  };
}

/**
 * GetObjectAttributes (GET /bucket/key?attributes): the attributes x-amz-object-attributes names,
 * in GetObjectAttributesResponse's order, with Last-Modified and, when the request named a
 * version, x-amz-version-id (as GetObject and HeadObject answer). The ETag is not quoted here.
 */
export const getObjectAttributes: S3Handler<'GetObjectAttributes'> = async (deps, req) => {
  const op: GetObjectAttributes = req.op;
  const wanted = requestedAttributes(req);
  const obj = await requireObject(deps, op.bucket, op.key, op.versionId);
  // An SSE-C object's attributes need its key, as GetObject does (AWS); others need nothing more.
  if (obj.sse?.algorithm === 'SSE-C') await readKey(deps, req, obj);
  const body: XmlNode = {};
  if (wanted.has('ETag')) body['ETag'] = obj.etag;
  if (wanted.has('Checksum') && obj.checksum) body['Checksum'] = checksumNode(obj.checksum);
  if (wanted.has('ObjectParts')) body['ObjectParts'] = objectParts(req, obj);
  if (wanted.has('StorageClass')) body['StorageClass'] = 'STANDARD';
  if (wanted.has('ObjectSize')) body['ObjectSize'] = obj.size;
  return xmlResponse(renderXml('GetObjectAttributesResponse', body), 200, {
    'last-modified': new Date(obj.lastModified).toUTCString(),
    ...(await versionHeaderOf(deps, obj, op.versionId !== undefined)),
  });
};
