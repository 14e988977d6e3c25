import { randomBytes, randomFillSync } from 'node:crypto';

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const POOL = Buffer.allocUnsafeSlow(4096);
let poolAt = POOL.length;

/**
 * `n` fresh random bytes (a copy) from a per-process pool refilled 4 KiB at a time: each byte is
 * handed out once. One `randomFillSync` per ~100 ids instead of one per id, on the hot paths that
 * draw many small ids (session issuance, version ids).
 */
export function randomPooled(n: number): Buffer {
  if (n > 512) return randomBytes(n);
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const out = Buffer.from(POOL.subarray(poolAt, poolAt + n));
  POOL.fill(0, poolAt, poolAt + n);
  poolAt += n;
  return out;
}

function randomString(alphabet: string, length: number): string {
  const bytes = randomPooled(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) return out + randomString(alphabet, length - out.length);
    const b = bytes[i]!;
    if (b < limit) out += alphabet[b % alphabet.length];
  }
  return out;
}

/** A 20-character access key id, as AWS generates them. */
export function newAccessKeyId(): string {
  return randomString(ALNUM_UPPER, 20);
}

/** A 40-character secret access key. */
export function newSecretKey(): string {
  return randomString(SECRET_CHARS, 40);
}

// Request ids: a random per-process start, then a counter — unique across workers without a
// random draw per request.
let requestCounter = randomBytes(6).readUIntBE(0, 6);
const processTag = ((process.pid ^ randomBytes(2).readUInt16BE(0)) & 0xffff).toString(16).padStart(4, '0');

/** A request id: 16 upper-case hex characters, unique enough for correlation. */
export function newRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x1000000000000;
  return (processTag + requestCounter.toString(16).padStart(12, '0')).toUpperCase();
}

const VERSION_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

/**
 * An object version id: 32 characters of AWS's alphabet (letters, digits, `.` and `_`). Never a
 * leading `-`, which command lines (the aws CLI's `--version-id`) would read as an option.
 */
export function newVersionId(): string {
  return randomString(VERSION_CHARS, 32);
}

/** An opaque, URL-safe id (upload ids). */
export function newOpaqueId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
