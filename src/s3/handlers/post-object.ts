import { pipeline } from 'node:stream/promises';
import { missingField } from '../../auth/index.js';
import { TesseraError } from '../../core/index.js';
import { commitObjectVersioned } from '../../storage/index.js';
import { putChecks } from '../access.js';
import { header, type S3Handler, type S3Request } from '../context.js';
import { MAX_PUT_SIZE, storeStream } from '../ingest.js';
import { assertObjectKey } from '../names.js';
import { metadataFromRequest, quoteEtag } from '../object-headers.js';
import { newObjectLock } from '../object-lock/requests.js';
import { objectRecord } from '../object-record.js';
import type { PostFormAuthority } from '../post-object/authority.js';
import { checkPostPolicy, type LengthRange } from '../post-object/conditions.js';
import { formBoundary } from '../post-object/disposition.js';
import { expandKey, fieldHeaders, fieldMap, fieldTags, tagQuery } from '../post-object/fields.js';
import { readPostForm } from '../post-object/form.js';
import { LengthLimit, tooSmall } from '../post-object/length-limit.js';
import { parsePostPolicy } from '../post-object/policy.js';
import { objectLocation, postResponse } from '../post-object/response.js';
import { encryptedEtag, writeEncryption } from '../sse/index.js';
import { writtenVersionHeader } from '../version-id.js';
import { requireBucket } from './buckets.js';

const ANYTHING: LengthRange = { min: 0, max: Number.POSITIVE_INFINITY };

/** Content-MD5 as a field: Base64 of 16 bytes (InvalidDigest), equal to the file's (BadDigest). */
function expectedMd5(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const md5 = Buffer.from(value, 'base64');
  if (md5.length !== 16 || md5.toString('base64') !== value.trim()) throw new TesseraError('InvalidDigest');
  return md5;
}

function noFile(): TesseraError {
  return new TesseraError('InvalidArgument', 'POST requires exactly one file upload per request.', {
    ArgumentName: 'file',
    ArgumentValue: 0,
  });
}

/**
 * POST Object: a browser upload. Reads the form's fields up to the file, lets the HTTP layer
 * authenticate the form (its signature over the policy) and checks the policy, authorizes the
 * upload as s3:PutObject on the key with the fields as condition keys, then streams the file into
 * storage (content-length-range enforced as it arrives; nothing stays behind on failure) and
 * answers as success_action_redirect / success_action_status ask.
 */
export const postObject: S3Handler<'PostObject'> = async (deps, req) => {
  const authority: PostFormAuthority | undefined = req.postForm;
  if (authority === undefined) throw new Error('PostObject needs the form authority');
  const boundary = formBoundary(header(req, 'content-type'));
  const form = await readPostForm(req.body, boundary);
  if (form.file === undefined) throw noFile();
  const fields = fieldMap(form.fields);
  const keyField = fields.get('key');
  if (keyField === undefined || keyField === '') throw missingField('key');
  await authority.authenticate(fields);
  const bucketName = req.op.bucket;
  const key = expandKey(keyField, form.file);
  const policyField = fields.get('policy');
  const range =
    policyField === undefined
      ? ANYTHING
      : checkPostPolicy(
          parsePostPolicy(policyField),
          { bucket: bucketName, key, fields: form.fields },
          req.now,
        );
  if (key === '') throw new TesseraError('InvalidArgument', 'User key must have a length greater than 0.');
  assertObjectKey(key);
  const tags = fieldTags(fields.get('tagging'));
  const headers = fieldHeaders(fields);
  // The upload is the PutObject it stands for: its fields are that request's headers.
  const put = { ...req, headers } as S3Request;
  await authority.authorize(putChecks({ headers }, { bucket: bucketName, key }, tagQuery(tags)));
  const meta = metadataFromRequest(put);
  const md5 = expectedMd5(fields.get('content-md5'));
  const bucket = await requireBucket(deps, bucketName);
  const lock = await newObjectLock(deps, put, bucket, { requireDigest: false });
  // The form's x-amz-server-side-encryption* fields, else the bucket default (docs/encryption.md).
  const sse = await writeEncryption(deps, put, { bucket: bucketName, key });

  const max = Math.min(range.max, MAX_PUT_SIZE);
  const limit = new LengthLimit(max);
  const source = form.file.body;
  // Both settle before an error rises, so the blob of a failed upload is already gone.
  const [storing, feeding] = await Promise.allSettled([
    storeStream(deps, limit, { maxSize: MAX_PUT_SIZE, sealWith: sse?.dataKey }),
    pipeline(source, limit),
  ]);
  if (feeding.status === 'rejected') {
    if (storing.status === 'fulfilled' && storing.value.data.kind === 'blobs')
      await deps.blobs.delete(storing.value.data.segments.map((s) => s.blobId));
    throw feeding.reason;
  }
  if (storing.status === 'rejected') throw storing.reason;
  const stored = storing.value;
  const discard = async (e: TesseraError): Promise<never> => {
    if (stored.data.kind === 'blobs') await deps.blobs.delete(stored.data.segments.map((s) => s.blobId));
    throw e;
  };
  if (stored.size < range.min) await discard(tooSmall(stored.size, range.min));
  if (md5 !== undefined && !md5.equals(stored.md5)) await discard(new TesseraError('BadDigest'));

  const record = objectRecord(
    { bucket: bucketName, key },
    req.now,
    { size: stored.size, etag: encryptedEtag(sse?.record, sse?.dataKey, stored.md5), data: stored.data },
    { ...meta, tags },
  );
  if (sse !== undefined) record.sse = sse.record;
  if (lock !== undefined) record.lock = lock;
  const { versionId } = await commitObjectVersioned(deps, record);
  const etag = quoteEtag(record.etag);
  return postResponse(
    {
      bucket: bucketName,
      key,
      etag,
      location: objectLocation(authority.baseUrl, bucketName, key, req.op.virtualHost),
      headers: writtenVersionHeader(bucket.versioning, versionId),
    },
    fields.get('success_action_redirect') ?? fields.get('redirect'),
    fields.get('success_action_status'),
  );
};
