/**
 * madmin-go's encrypted bodies (rank 3, inside admin): `decryptData` / `encryptData` of the
 * `salt ‖ id ‖ nonce ‖ sio stream` format, bounded in size (MAX_ENCRYPTED_BODY) and in concurrent
 * key derivations (madminCryptoLimit).
 */
export { ConcurrencyLimit } from './concurrency-limit.js';
export { ARGON2ID, deriveKey, type KeyDerivation, PBKDF2_ITERATIONS } from './derive-key.js';
export {
  ALGORITHMS,
  decryptData,
  encryptData,
  isEncrypted,
  MAX_ENCRYPTED_BODY,
  madminCryptoLimit,
} from './encrypted-body.js';
