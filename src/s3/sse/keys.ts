import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { TesseraError } from '../../core/index.js';
import type { ObjectEncryption } from '../../storage/index.js';
import type { S3Deps, S3Request } from '../context.js';
import { bucketEncryption, bucketKeyName } from './bucket-default.js';
import { sealKey, unsealKey } from './kms.js';
import { type CustomerKey, customerKeyOf, requestedSse, type SseAsk } from './request.js';

/** A write's encryption: what the record keeps, the data key for this request, the SSE-C key's MD5. */
export interface WriteEncryption {
  readonly record: ObjectEncryption;
  readonly dataKey: Buffer;
  readonly customerKeyMd5?: string | undefined;
}

/** A read's key: the data key of the object, and the SSE-C key's MD5 to echo. */
export interface ReadKey {
  readonly dataKey: Buffer;
  readonly customerKeyMd5?: string | undefined;
}

type Request = Pick<S3Request, 'headers' | 'transport'>;

/** The data key's AAD: the algorithm, the object it belongs to and the SSE-KMS context. */
function aadOf(sse: Pick<ObjectEncryption, 'algorithm' | 'context'>, at: { bucket: string; key: string }) {
  return Buffer.from(`tessera-sse-v1\0${sse.algorithm}\0${at.bucket}\0${at.key}\0${sse.context ?? ''}`);
}

/** SSE-C: the key-encryption key derived from the customer's key (which is never stored). */
function customerKek(key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, 'tessera-sse-c-v1', 'kek', 32));
}

/**
 * "Requests specifying Server Side Encryption with Customer provided keys must be made over a
 * secure connection" (AWS, MinIO): the socket must be TLS, or, with the dev setting
 * TESSERA_SSE_C_ALLOW_INSECURE_LOOPBACK, a plain connection from loopback.
 */
function requireSecure(deps: S3Deps, req: Request): void {
  const t = req.transport;
  if (t?.encrypted === true) return;
  if (deps.sse?.customerKeysOverLoopbackHttp === true && t?.loopback === true) return;
  throw new TesseraError(
    'InvalidRequest',
    'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.',
  );
}

function kmsOf(deps: S3Deps) {
  if (deps.sse === undefined)
    throw new TesseraError('NotImplemented', 'Server-side encryption is not configured on this server.');
  return deps.sse.kms;
}

/** A bucket default as a request would have asked for it. */
async function defaultAsk(deps: S3Deps, bucket: string): Promise<SseAsk | undefined> {
  const config = await bucketEncryption(deps, bucket);
  if (config === undefined) return undefined;
  return config.algorithm === 'AES256'
    ? { kind: 'AES256' }
    : { kind: 'aws:kms', keyId: bucketKeyName(config) };
}

/** Seals a fresh data key as `ask` says, for the object (or upload) at `at`. */
export async function newEncryption(
  deps: S3Deps,
  req: Request,
  ask: SseAsk,
  at: { bucket: string; key: string },
): Promise<WriteEncryption> {
  if (ask.kind === 'SSE-C') {
    requireSecure(deps, req);
    const dataKey = randomBytes(32);
    const record: ObjectEncryption = { algorithm: 'SSE-C', sealedKey: '' };
    record.sealedKey = sealKey(customerKek(ask.key), dataKey, aadOf(record, at));
    return { record, dataKey, customerKeyMd5: ask.keyMd5 };
  }
  const kms = kmsOf(deps);
  const keyId = ask.kind === 'aws:kms' ? (ask.keyId ?? kms.defaultKeyId) : kms.defaultKeyId;
  const record: ObjectEncryption = { algorithm: ask.kind, keyId, sealedKey: '' };
  if (ask.kind === 'aws:kms' && ask.context !== undefined) record.context = ask.context;
  const key = await kms.generateDataKey(keyId, aadOf(record, at));
  record.sealedKey = key.sealed;
  return { record, dataKey: key.plain };
}

/**
 * The encryption of a new object or upload: the request's SSE headers, else the bucket's
 * default encryption, else none (undefined).
 */
export async function writeEncryption(
  deps: S3Deps,
  req: Request,
  at: { bucket: string; key: string },
): Promise<WriteEncryption | undefined> {
  const ask = requestedSse(req) ?? (await defaultAsk(deps, at.bucket));
  return ask === undefined ? undefined : newEncryption(deps, req, ask, at);
}

/**
 * The data key of a stored object or upload, for a request that reads (or adds parts to) it. SSE-C
 * needs the customer's key in `prefix`-customer-* headers: missing → InvalidRequest, wrong →
 * AccessDenied (as AWS); SSE-C headers for an object not stored with SSE-C → InvalidRequest.
 * Undefined for plain objects.
 */
export async function readKey(
  deps: S3Deps,
  req: Request,
  target: { bucket: string; key: string; sse?: ObjectEncryption | undefined },
  prefix = 'x-amz-server-side-encryption',
): Promise<ReadKey | undefined> {
  const sse = target.sse;
  const customer: CustomerKey | undefined = customerKeyOf(req, prefix);
  if (sse?.algorithm !== 'SSE-C') {
    if (customer !== undefined)
      throw new TesseraError(
        'InvalidRequest',
        'The encryption parameters are not applicable to this object.',
      );
    if (sse === undefined) return undefined;
    return { dataKey: await kmsOf(deps).decrypt(sse.keyId ?? '', sse.sealedKey, aadOf(sse, target)) };
  }
  if (customer === undefined)
    throw new TesseraError(
      'InvalidRequest',
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    );
  requireSecure(deps, req);
  const dataKey = unsealKey(customerKek(customer.key), sse.sealedKey, aadOf(sse, target));
  if (dataKey === undefined) throw new TesseraError('AccessDenied');
  return { dataKey, customerKeyMd5: customer.keyMd5 };
}

/**
 * The ETag of encrypted bytes: SSE-S3 keeps the plaintext's MD5 (as AWS); SSE-KMS and SSE-C
 * objects get an ETag that is not it ("not an MD5 digest of their object data"), derived from
 * the data key so it reveals nothing about the plaintext.
 */
export function encryptedEtag(
  sse: ObjectEncryption | undefined,
  dataKey: Buffer | undefined,
  md5: Buffer,
): string {
  if (sse === undefined || dataKey === undefined || sse.algorithm === 'AES256') return md5.toString('hex');
  return createHmac('sha256', dataKey)
    .update('tessera-sse-etag')
    .update(md5)
    .digest()
    .subarray(0, 16)
    .toString('hex');
}

/** The response headers that say how an object is encrypted (PUT, GET, HEAD, copy, multipart). */
export function sseResponseHeaders(
  sse: ObjectEncryption | undefined,
  customerKeyMd5?: string,
): Record<string, string> {
  if (sse === undefined) return {};
  if (sse.algorithm === 'SSE-C') {
    const headers: Record<string, string> = { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' };
    if (customerKeyMd5 !== undefined)
      headers['x-amz-server-side-encryption-customer-key-md5'] = customerKeyMd5;
    return headers;
  }
  if (sse.algorithm === 'AES256') return { 'x-amz-server-side-encryption': 'AES256' };
  const headers: Record<string, string> = {
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:${sse.keyId ?? ''}`,
  };
  if (sse.context !== undefined) headers['x-amz-server-side-encryption-context'] = sse.context;
  return headers;
}
