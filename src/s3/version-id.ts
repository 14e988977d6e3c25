import { isXmlText, TesseraError } from '../core/index.js';

/** The version id of an object written while its bucket was never versioned, or while suspended. */
export const NULL_VERSION = 'null';

/** MinIO's version ids (mc, minio-go, minio-js show them). */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** AWS's version ids and Tessera's (newVersionId: 32 of `[A-Za-z0-9._]`); `-` accepted too. */
const OPAQUE = /^[A-Za-z0-9._-]{32}$/;

function invalid(message: string, value: string, name: string): TesseraError {
  const detail: Record<string, string> = { ArgumentName: name };
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
export function parseVersionId(value: string, name = 'versionId'): string {
  if (value === '') throw invalid('Version id cannot be the empty string', value, name);
  if (value === NULL_VERSION || OPAQUE.test(value) || UUID.test(value)) return value;
  throw invalid('Invalid version id specified', value, name);
}

/** The x-amz-version-id response header when the request named a version. */
export function versionHeader(versionId: string | undefined): Record<string, string> {
  return versionId === undefined ? {} : { 'x-amz-version-id': versionId };
}

/**
 * x-amz-version-id of a write (PUT, COPY, POST, CompleteMultipartUpload): the new version's id
 * when the bucket has versioning Enabled. A Suspended bucket writes the 'null' version and, as
 * AWS's PutObject sample for a versioning-suspended bucket shows, answers without the header;
 * a never-versioned bucket has no version ids to show.
 */
export function writtenVersionHeader(
  versioning: string | undefined,
  versionId: string,
): Record<string, string> {
  return versioning === 'Enabled' ? { 'x-amz-version-id': versionId } : {};
}
