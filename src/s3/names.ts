import { TesseraError } from '../core/index.js';

const BUCKET_CHARS = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * AWS general-purpose bucket naming rules: 3–63 characters of a-z, 0-9, '.', '-', starting and
 * ending with a letter or digit, no '..', not an IP address, no reserved prefixes or suffixes.
 */
export function isValidBucketName(name: string): boolean {
  return (
    BUCKET_CHARS.test(name) &&
    !name.includes('..') &&
    !name.includes('.-') &&
    !name.includes('-.') &&
    !IPV4.test(name) &&
    !name.startsWith('xn--') &&
    !name.startsWith('sthree-') &&
    !name.endsWith('-s3alias') &&
    !name.endsWith('--ol-s3')
  );
}

export function assertBucketName(name: string): void {
  if (!isValidBucketName(name)) throw new TesseraError('InvalidBucketName', undefined, { BucketName: name });
}

/** "The name for a key is a sequence of Unicode characters whose UTF-8 encoding is at most 1,024 bytes long." */
export const MAX_KEY_BYTES = 1024;

export function assertObjectKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
    throw new TesseraError('KeyTooLongError', undefined, { Key: key });
}
