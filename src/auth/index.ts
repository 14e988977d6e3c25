/**
 * Request authentication: every AWS signature form, pure (no I/O; the time and the credential
 * lookup are arguments). Other folders import only from here.
 */
export { authenticate, needsBody } from './authenticate.js';
export { classify } from './classify.js';
export { createPayloadHashCheck } from './payload-hash.js';
export {
  missingField,
  type PostFields,
  type PostSignatureKind,
  postSignatureKind,
} from './post-policy/fields.js';
export { type PostVerifyOptions, verifyPostForm } from './post-policy/verify.js';
export { MAX_PRESIGNED_EXPIRES, PRESIGN_PARAMS } from './presign/verify.js';
export { paramKey, type RawParam, splitQuery } from './query.js';
export { checkScope, GLOBAL_REGION, type ScopeRule } from './scope.js';
export { signedServiceHint } from './scope-hint.js';
export { signV2 } from './sigv2/verify.js';
export { canonicalQuery, canonicalRequest } from './sigv4/canonical-request.js';
export { deriveSigningKey, SigningKeyCache, signingKeys } from './sigv4/signing-key.js';
export { chunkStringToSign, stringToSign, trailerStringToSign } from './sigv4/string-to-sign.js';
export { type ChunkedDecoder, createChunkedDecoder } from './streaming/chunked-decoder.js';
export { DEFAULT_MAX_SKEW_MS } from './time.js';
export type * from './types.js';
export { awsUriEncode, canonicalPath } from './uri-encode.js';
