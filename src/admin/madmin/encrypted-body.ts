import { randomBytes } from 'node:crypto';
import { TesseraError, withReason } from '../../core/index.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { deriveKey, type KeyDerivation } from './derive-key.js';
import { openStream, type SioAead, sealStream, TAG } from './sio-stream.js';

/**
 * madmin-go's EncryptData / DecryptData (encrypt.go):
 * `salt[32] ‖ algorithm id[1] ‖ nonce[8] ‖ sio stream`, the key derived from the password (the
 * secret key of the credential that signed the request) and the salt.
 */
const SALT = 32;
const NONCE = 8;
const HEADER = SALT + 1 + NONCE;

/** The algorithm ids madmin knows, and what each means. */
export const ALGORITHMS: Readonly<Record<number, { kdf: KeyDerivation; aead: SioAead }>> = {
  0: { kdf: 'argon2id', aead: 'aes-256-gcm' },
  1: { kdf: 'argon2id', aead: 'chacha20-poly1305' },
  2: { kdf: 'pbkdf2', aead: 'aes-256-gcm' },
};

/**
 * The most an encrypted body may be: MinIO's maxEConfigJSONSize (256 KiB of JSON and sio's overhead).
 * A larger one is refused with XMinioAdminConfigTooLarge before anything is derived.
 */
export const MAX_ENCRYPTED_BODY = 262_272;

/**
 * At most 2 key derivations run at once per worker process (64 MiB each), 32 more wait; past that
 * SlowDown. docs/minio-compat.md "Encrypted bodies".
 */
export const madminCryptoLimit = new ConcurrencyLimit(2, 32);

/** MinIO answers every undecryptable body as a malformed configuration (ErrAdminConfigBadJSON). */
function badBody(reason: string): TesseraError {
  return withReason(new TesseraError('XMinioAdminConfigBadJSON'), reason);
}

/**
 * Decrypts a body madmin encrypted (any of the three algorithm ids). Throws XMinioAdminConfigBadJSON
 * when it is truncated, tampered, of an unknown algorithm or under another password.
 * @example const json = await decryptData(secretKey, body)
 */
export async function decryptData(
  password: string,
  data: Buffer,
  limit: ConcurrencyLimit = madminCryptoLimit,
): Promise<Buffer> {
  if (data.length > MAX_ENCRYPTED_BODY) throw new TesseraError('XMinioAdminConfigTooLarge');
  if (data.length < HEADER + TAG) throw badBody('madmin: the encrypted body is truncated');
  const spec = ALGORITHMS[data[SALT]!];
  if (spec === undefined) throw badBody('madmin: invalid encryption algorithm ID');
  const salt = data.subarray(0, SALT);
  const nonce = data.subarray(SALT + 1, HEADER);
  const key = await limit.run(() => deriveKey(spec.kdf, password, salt));
  const plain = openStream(spec.aead, key, nonce, data.subarray(HEADER));
  if (plain === undefined) throw badBody('sio: data is not authentic');
  return plain;
}

/**
 * Encrypts as madmin's EncryptData does outside FIPS mode on a machine with AES instructions:
 * algorithm id 0x00 (argon2id + AES-256-GCM). `algorithm` picks another id (tests).
 */
export async function encryptData(
  password: string,
  plaintext: Buffer,
  algorithm = 0x00,
  limit: ConcurrencyLimit = madminCryptoLimit,
): Promise<Buffer> {
  const spec = ALGORITHMS[algorithm];
  if (spec === undefined) throw new TesseraError('InternalError', 'Unknown madmin algorithm id.');
  const salt = randomBytes(SALT);
  const nonce = randomBytes(NONCE);
  const key = await limit.run(() => deriveKey(spec.kdf, password, salt));
  return Buffer.concat([salt, Buffer.of(algorithm), nonce, sealStream(spec.aead, key, nonce, plaintext)]);
}

/** madmin's IsEncrypted: longer than the salt, with a known algorithm id after it. */
export function isEncrypted(data: Buffer): boolean {
  return data.length > SALT && ALGORITHMS[data[SALT]!] !== undefined;
}
