/**
 * The parts of certificate identities that need @peculiar/x509 (about 20 MB and most of a second
 * to load): loaded only by `loadCertificateTools()`, when client certificates are enabled or
 * certificates are issued.
 */
export { issueCertificate, issueCrl } from './issue.js';
export { CertificateTrust } from './trust.js';
export { createCertificateVerifier, MAX_INTERMEDIATES } from './verify.js';
