/** What a verified client certificate proves (idp/certificate): claims, never credentials. */
export interface VerifiedCertificate {
  /** The subject's common name: the identity, and (MinIO's rule) the policy name. */
  readonly commonName: string;
  /** The subject and issuer distinguished names, as text (`CN=…, O=…`). */
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, hex (lower case). */
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the certificate, hex. */
  readonly fingerprint: string;
  /** The subject's organizations (O=), MinIO's `aud` claim. */
  readonly organizations: readonly string[];
  /** When the certificate expires (epoch ms): sessions never outlive it. */
  readonly notAfter: number;
  /** The policy names the certificate maps to (empty: none). */
  readonly policies: readonly string[];
}

/**
 * Verifies the certificate chain a TLS client presented (AssumeRoleWithCertificate): leaf first,
 * DER. Throws TesseraError MissingParameter (no certificate), InvalidClientCertificate (wrong CA,
 * expired, not yet valid, revoked, not for client authentication, no CN).
 */
export interface CertificateVerifier {
  verify(chain: readonly Uint8Array[], opts: { now: number }): Promise<VerifiedCertificate>;
}
