import { isXmlText, TesseraError } from '../core/index.js';

/** The version id of the object in an unversioned bucket (and of objects written while suspended). */
export const NULL_VERSION = 'null';

/** MinIO's version ids (mc, minio-go, minio-js show them). */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** AWS's version ids, and Tessera's (newOpaqueId: 24 random bytes, base64url): 32 URL-safe characters. */
const OPAQUE = /^[A-Za-z0-9._-]{32}$/;

function invalid(message: string, value: string): TesseraError {
  const detail: Record<string, string> = { ArgumentName: 'versionId' };
  // Echoed as AWS does, unless the value could not even be written into the XML error document.
  if (isXmlText(value)) detail['ArgumentValue'] = value;
  return new TesseraError('InvalidArgument', message, detail);
}

/**
 * Checks a versionId as S3 does before looking anything up: the empty string is refused
 * ("Version id cannot be the empty string"), and so is anything that is not a version id at all
 * ("Invalid version id specified", 400 InvalidArgument). Well-formed ids are `null`, AWS-style
 * 32-character ids and MinIO's UUIDs; whether such a version exists is the handler's question.
 */
export function parseVersionId(value: string): string {
  if (value === '') throw invalid('Version id cannot be the empty string', value);
  if (value === NULL_VERSION || OPAQUE.test(value) || UUID.test(value)) return value;
  throw invalid('Invalid version id specified', value);
}

/**
 * Buckets are unversioned (versioning comes later): each object has exactly one version, `null`.
 * Any other well-formed id names a version that does not exist: 404 NoSuchVersion.
 */
export function assertNullVersion(key: string, versionId: string | undefined): void {
  if (versionId !== undefined && versionId !== NULL_VERSION)
    throw new TesseraError('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
}

/** The x-amz-version-id response header when the request named a version. */
export function versionHeader(versionId: string | undefined): Record<string, string> {
  return versionId === undefined ? {} : { 'x-amz-version-id': versionId };
}
