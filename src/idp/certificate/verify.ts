import { createHash } from 'node:crypto';
import { TesseraError, withReason } from '../../core/index.js';
import { type CertificateTrust, type ParsedCertificate, parseCertificate, type TrustSet } from './trust.js';
import type { CertificateVerifier, VerifiedCertificate } from './types.js';
import { x509 } from './x509.js';

/** Intermediate CAs a client may send along (MinIO's limit). */
export const MAX_INTERMEDIATES = 10;

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

export interface CertificateVerifierOptions {
  readonly trust: CertificateTrust;
  /** MINIO_IDENTITY_TLS_SKIP_VERIFY: trust any certificate (the chain is not checked; dates and clientAuth are). */
  readonly skipVerify?: boolean;
  /** CN → policies (TESSERA_IDENTITY_TLS_POLICY_MAP); absent, MinIO's rule: the policy named as the CN. */
  readonly policyMap?: ReadonlyMap<string, readonly string[]>;
}

function refused(message: string, reason: string): TesseraError {
  return withReason(new TesseraError('InvalidClientCertificate', message), reason);
}

function checkDates(c: ParsedCertificate, now: number, what: string): void {
  if (now > c.cert.notAfter.getTime())
    throw refused(`The ${what} expired at ${c.cert.notAfter.toISOString()}.`, 'certificate-expired');
  if (now < c.cert.notBefore.getTime())
    throw refused(
      `The ${what} is not valid before ${c.cert.notBefore.toISOString()}.`,
      'certificate-not-yet-valid',
    );
}

function isCa(c: ParsedCertificate): boolean {
  return c.cert.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

/** RFC 5280 4.2.1.3: a CA's key usage, when present, must allow keyCertSign. */
function maySign(c: ParsedCertificate): boolean {
  const ku = c.cert.getExtension(x509.KeyUsagesExtension);
  return isCa(c) && (ku === null || (ku.usages & x509.KeyUsageFlags.keyCertSign) !== 0);
}

/** The leaf must be usable for TLS client authentication (Go's rule: no EKU extension means any). */
function checkClientUsage(leaf: ParsedCertificate): void {
  const eku = leaf.cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku !== null && !eku.usages.some((u) => u === CLIENT_AUTH || u === ANY_EKU))
    throw refused(
      'The certificate is not valid for client authentication (extended key usage).',
      'wrong-key-usage',
    );
  const ku = leaf.cert.getExtension(x509.KeyUsagesExtension);
  if (ku !== null && (ku.usages & x509.KeyUsageFlags.digitalSignature) === 0)
    throw refused('The certificate’s key usage does not allow digital signatures.', 'wrong-key-usage');
}

function issuedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return child.node.checkIssued(issuer.node) && child.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

/** Refuses `c` when a CRL its issuer signed lists its serial number. */
async function checkRevocation(
  c: ParsedCertificate,
  issuer: ParsedCertificate,
  trust: TrustSet,
): Promise<void> {
  for (const crl of trust.crls) {
    if (crl.issuer !== c.cert.issuer) continue;
    if (!(await crl.verify({ publicKey: issuer.cert.publicKey }).catch(() => false))) continue;
    if (crl.findRevoked(c.cert) !== null)
      throw refused(
        `The certificate ${c.cert.serialNumber} has been revoked by its issuer.`,
        'certificate-revoked',
      );
  }
}

/**
 * Builds a path from the leaf to a trust anchor through the presented intermediates: each link's
 * signature, dates and CA rights, and the CRLs of every issuer in it.
 */
async function verifyPath(
  leaf: ParsedCertificate,
  intermediates: readonly ParsedCertificate[],
  trust: TrustSet,
  now: number,
): Promise<void> {
  const anchors = trust.anchors;
  // A self-signed client certificate placed in CAs/ (MinIO's walk-through) is its own anchor.
  if (anchors.some((a) => a.der.equals(leaf.der))) return;
  let current = leaf;
  for (let depth = 0; depth <= MAX_INTERMEDIATES; depth++) {
    // An anchor is a CA certificate, or a self-issued one without CA extensions (old roots).
    const anchor = anchors.find((a) => (maySign(a) || a.node.checkIssued(a.node)) && issuedBy(current, a));
    if (anchor !== undefined) {
      checkDates(anchor, now, 'issuing CA certificate');
      await checkRevocation(current, anchor, trust);
      return;
    }
    const next = intermediates.find((i) => i !== current && maySign(i) && issuedBy(current, i));
    if (next === undefined) break;
    checkDates(next, now, 'intermediate CA certificate');
    await checkRevocation(current, next, trust);
    current = next;
  }
  throw refused(
    'The certificate was not issued by a certificate authority this server trusts.',
    'unknown-authority',
  );
}

function commonName(c: ParsedCertificate): string {
  return c.cert.subjectName.getField('CN')[0] ?? '';
}

/**
 * The client certificate verifier (AssumeRoleWithCertificate, MinIO's rule): exactly one leaf
 * (CA certificates sent along are intermediates), valid now, for client authentication, issued
 * through a chain to one of the trusted CAs and not revoked by their CRLs, with a subject CN,
 * which names its policies.
 */
export function createCertificateVerifier(o: CertificateVerifierOptions): CertificateVerifier {
  return {
    async verify(chain, { now }) {
      let parsed: ParsedCertificate[];
      try {
        parsed = chain.map(parseCertificate);
      } catch {
        throw refused('The client certificate could not be parsed.', 'malformed-certificate');
      }
      const leaves = parsed.filter((c) => !isCa(c));
      const intermediates = parsed.filter(isCa);
      if (leaves.length === 0)
        throw withReason(
          new TesseraError('MissingParameter', 'No client certificate provided'),
          'no-certificate',
        );
      if (leaves.length > 1)
        throw new TesseraError('InvalidParameterValue', 'More than one client certificate provided');
      if (intermediates.length > MAX_INTERMEDIATES)
        throw refused(
          `The client sent more than ${MAX_INTERMEDIATES} intermediate CAs.`,
          'too-many-intermediates',
        );
      const leaf = leaves[0]!;
      checkDates(leaf, now, 'certificate');
      checkClientUsage(leaf);
      if (o.skipVerify !== true) await verifyPath(leaf, intermediates, o.trust.current, now);
      const cn = commonName(leaf);
      if (cn === '')
        throw withReason(
          new TesseraError('MissingParameter', 'certificate subject CN cannot be empty'),
          'no-common-name',
        );
      const policies = o.policyMap === undefined ? [cn] : [...(o.policyMap.get(cn) ?? [])];
      const verified: VerifiedCertificate = {
        commonName: cn,
        subject: leaf.cert.subject,
        issuer: leaf.cert.issuer,
        serialNumber: leaf.cert.serialNumber.toLowerCase(),
        fingerprint: createHash('sha256').update(leaf.der).digest('hex'),
        organizations: leaf.cert.subjectName.getField('O'),
        notAfter: leaf.cert.notAfter.getTime(),
        policies,
      };
      return verified;
    },
  };
}
