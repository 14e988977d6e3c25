/**
 * X.509 client certificates as identities (MinIO's AssumeRoleWithCertificate): the verifier of
 * a presented chain against the trusted CAs and their CRLs, its settings, and certificate issuing
 * for development CAs and tests. Returns verified claims, never credentials.
 *
 * The X.509 code is heavy: `loadCertificateTools()` loads it on first use.
 */
export {
  type CertificateIdentityConfig,
  parseCertificateIdentityConfig,
  parsePolicyMap,
} from './config.js';
export type { IssuedPem, IssueOptions } from './issue.js';
export type { CertificateTrust } from './trust.js';
export type { CertificateVerifier, VerifiedCertificate } from './types.js';
export type { CertificateVerifierOptions } from './verify.js';

/** The certificate tools (verifier, trust store, issuing), loaded on first call. */
export type CertificateTools = typeof import('./tools.js');

/** Loads @peculiar/x509 and the tools built on it (once; later calls share the module). */
export function loadCertificateTools(): Promise<CertificateTools> {
  return import('./tools.js');
}
