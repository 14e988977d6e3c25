import { renderXml, TesseraError, xmlText } from '../../core/index.js';
import type { BucketVersioning } from '../../storage/index.js';
import { emptyResponse, header, type S3Handler, xmlResponse } from '../context.js';
import { readVerifiedBody } from '../verified-body.js';
import { MAX_XML_BODY, parseXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/**
 * The MFA Delete setting of a versioning configuration. Tessera has no MFA devices, so enabling
 * it is answered as AWS answers a request without a valid MFA token: 403 AccessDenied.
 * `Disabled` is what every bucket has, and is accepted.
 */
function checkMfaDelete(value: string | undefined, mfa: string | undefined): void {
  if (value === undefined || value === 'Disabled') return;
  if (value !== 'Enabled') throw new TesseraError('MalformedXML');
  throw new TesseraError(
    'AccessDenied',
    mfa === undefined
      ? 'Mfa Authentication must be used for this request'
      : 'MFA Delete is not supported: no MFA device can be verified',
  );
}

/**
 * PutBucketVersioning: Status Enabled or Suspended (anything else is MalformedXML); a document
 * without a Status changes nothing. S3 never lets a bucket return to "never configured".
 * Integrity values (Content-MD5, x-amz-checksum-*) are verified when sent.
 */
export const putBucketVersioning: S3Handler<'PutBucketVersioning'> = async (deps, req) => {
  const doc = parseXmlBody(await readVerifiedBody(req, MAX_XML_BODY), 'VersioningConfiguration');
  const status = xmlText(doc['Status']);
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended')
    throw new TesseraError('MalformedXML');
  checkMfaDelete(xmlText(doc['MfaDelete']), header(req, 'x-amz-mfa'));
  const bucket = await requireBucket(deps, req.op.bucket);
  if (status === 'Suspended' && bucket.objectLock) {
    throw new TesseraError(
      'InvalidBucketState',
      'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
    );
  }
  if (status !== undefined)
    await deps.metadata.setBucketVersioning(req.op.bucket, status as BucketVersioning);
  return emptyResponse(200);
};

/** GetBucketVersioning: the status once configured; an empty configuration while never configured. */
export const getBucketVersioning: S3Handler<'GetBucketVersioning'> = async (deps, req) => {
  const bucket = await requireBucket(deps, req.op.bucket);
  return xmlResponse(
    renderXml(
      'VersioningConfiguration',
      bucket.versioning === undefined ? {} : { Status: bucket.versioning },
    ),
  );
};
