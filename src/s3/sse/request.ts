import { createHash } from 'node:crypto';
import { constantTimeEqual, TesseraError } from '../../core/index.js';
import type { S3Request } from '../context.js';

/** What a request asks for: SSE-S3, SSE-KMS (a key id and context, or the default key) or SSE-C. */
export type SseAsk =
  | { readonly kind: 'AES256' }
  | { readonly kind: 'aws:kms'; readonly keyId?: string | undefined; readonly context?: string | undefined }
  | CustomerKey;

/** An SSE-C key a request carries (checked against its MD5); never stored. */
export interface CustomerKey {
  readonly kind: 'SSE-C';
  readonly key: Buffer;
  /** base64 MD5 of the key, as sent: echoed in x-amz-server-side-encryption-customer-key-MD5. */
  readonly keyMd5: string;
}

type Headers = Pick<S3Request, 'headers'>;

function value(req: Headers, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const SSE = 'x-amz-server-side-encryption';
const SSE_KMS_KEY = 'x-amz-server-side-encryption-aws-kms-key-id';
const SSE_CONTEXT = 'x-amz-server-side-encryption-context';

/**
 * The SSE-C key of `prefix`-customer-algorithm, -key and -key-MD5 (prefix
 * `x-amz-server-side-encryption` or `x-amz-copy-source-server-side-encryption`), undefined
 * without any of them; MinIO's and AWS's InvalidArgument / InvalidEncryptionAlgorithmError when
 * one is missing, the algorithm is not AES256, the key is not 256 bits or its MD5 differs.
 */
export function customerKeyOf(req: Headers, prefix = SSE): CustomerKey | undefined {
  const algorithm = value(req, `${prefix}-customer-algorithm`);
  const key = value(req, `${prefix}-customer-key`);
  const md5 = value(req, `${prefix}-customer-key-md5`);
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (algorithm === undefined)
    throw new TesseraError(
      'InvalidArgument',
      'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.',
    );
  if (algorithm !== 'AES256') throw new TesseraError('InvalidEncryptionAlgorithmError');
  if (key === undefined)
    throw new TesseraError(
      'InvalidArgument',
      'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.',
    );
  if (md5 === undefined)
    throw new TesseraError(
      'InvalidArgument',
      'Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.',
    );
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== key.trim())
    throw new TesseraError('InvalidArgument', 'The secret key was invalid for the specified algorithm.');
  const computed = createHash('md5').update(raw).digest('base64');
  if (!constantTimeEqual(computed, md5.trim()))
    throw new TesseraError(
      'InvalidArgument',
      'The calculated MD5 hash of the key did not match the hash that was provided.',
    );
  return { kind: 'SSE-C', key: raw, keyMd5: computed };
}

/** x-amz-server-side-encryption-context: base64 of a JSON object of strings (AWS's rule). */
function parseContext(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((v) => typeof v !== 'string')
  )
    throw new TesseraError(
      'InvalidArgument',
      'The header x-amz-server-side-encryption-context must be base64-encoded JSON of string values.',
    );
  return raw;
}

/**
 * The encryption a write asks for with its headers (PutObject, CreateMultipartUpload, the target
 * of CopyObject); undefined when it asks for none (the bucket default then applies).
 */
export function requestedSse(req: Headers): SseAsk | undefined {
  const sse = value(req, SSE);
  const keyId = value(req, SSE_KMS_KEY);
  const context = value(req, SSE_CONTEXT);
  const customer = customerKeyOf(req);
  if (customer !== undefined) {
    if (sse !== undefined)
      throw new TesseraError(
        'InvalidArgument',
        'Server side encryption specified with both SSE-C and SSE-S3 headers',
      );
    return customer;
  }
  if (sse === undefined) {
    if (keyId !== undefined || context !== undefined)
      throw new TesseraError(
        'InvalidArgument',
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
      );
    return undefined;
  }
  if (sse === 'AES256') {
    if (keyId !== undefined || context !== undefined)
      throw new TesseraError(
        'InvalidArgument',
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
      );
    return { kind: 'AES256' };
  }
  if (sse === 'aws:kms') {
    const id = keyId === undefined || keyId === '' ? undefined : kmsKeyName(keyId);
    return { kind: 'aws:kms', keyId: id, context: parseContext(context) };
  }
  throw new TesseraError('InvalidArgument', 'The encryption method specified is not supported');
}

/** A KMS key id as the built-in KMS names it: `arn:aws:kms:…:key/<name>` and `arn:minio:kms:::<name>` name `<name>`. */
export function kmsKeyName(keyId: string): string {
  const arn = /^arn:(?:aws|minio):kms:(.*)$/.exec(keyId);
  if (!arn) return keyId;
  const rest = arn[1]!.slice(arn[1]!.lastIndexOf(':') + 1);
  return rest.startsWith('key/') ? rest.slice(4) : rest;
}
