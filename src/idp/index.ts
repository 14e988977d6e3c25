/**
 * Identity providers (rank 2): each verifies what a caller presents and returns the verified
 * identity and the claims it maps to — never credentials.
 *
 * - `WebIdentityVerifier`, `VerifiedIdentity`: the port STS verifies web identity tokens with.
 */
export type { VerifiedIdentity, WebIdentityVerifier } from './types.js';
