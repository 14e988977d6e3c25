/**
 * Server-side encryption (docs/encryption.md): the package format (format.ts), the request
 * headers (request.ts), data keys and the built-in KMS (keys.ts, kms.ts), bucket default
 * encryption (bucket-default.ts) and reading plaintext back (reader.ts).
 */
export * from './bucket-default.js';
export { encryptedSize } from './format.js';
export * from './keys.js';
export { BuiltinKms, type KmsKeyInfo } from './kms.js';
export * from './reader.js';
export { customerKeyOf, kmsKeyName, requestedSse, type SseAsk } from './request.js';
