import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { x509 } from './x509.js';

/** A certificate and its private key, PEM-encoded. */
export interface IssuedPem {
  /** The certificate (`-----BEGIN CERTIFICATE-----`). */
  readonly cert: string;
  /** The private key, PKCS#8 (`-----BEGIN PRIVATE KEY-----`). */
  readonly key: string;
  /** The serial number, hex. */
  readonly serialNumber: string;
}

/** What to issue: a CA, a server certificate (SANs), or a client certificate (CN = its identity). */
export interface IssueOptions {
  /** The subject's common name. */
  readonly commonName: string;
  /** Further subject attributes, e.g. `O=Example`. */
  readonly subjectExtra?: string;
  /** The issuer (a CA's cert and key); absent: self-signed. */
  readonly issuer?: Pick<IssuedPem, 'cert' | 'key'>;
  readonly ca?: boolean;
  /** DNS names and IP addresses for the subjectAltName (server certificates). */
  readonly hosts?: readonly string[];
  /** Extended key usages; default: none for a CA, serverAuth with hosts, else clientAuth. */
  readonly extendedKeyUsages?: readonly ('serverAuth' | 'clientAuth')[];
  /** Leave the extended key usage extension out. */
  readonly noExtendedKeyUsage?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly serialNumber?: string;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const subtle = webcrypto.subtle;

function keyPem(der: ArrayBuffer): string {
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importSigningKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return subtle.importKey('pkcs8', der, EC, false, ['sign']);
}

/** PEM ending in a newline, so that files can be concatenated (a chain file). */
function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  // Positive (RFC 5280) and with a non-zero first digit, so every tool prints the same hex.
  bytes[0] = (bytes[0]! & 0x6f) | 0x10;
  return Buffer.from(bytes).toString('hex');
}

/**
 * Issues a certificate (ECDSA P-256, SHA-256): a self-signed CA, or one signed by `issuer`.
 * @example const ca = await issueCertificate({ commonName: 'Tessera dev CA', ca: true });
 *          const srv = await issueCertificate({ commonName: 'localhost', issuer: ca, hosts: ['localhost'] });
 */
export async function issueCertificate(o: IssueOptions): Promise<IssuedPem> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = o.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = o.notAfter ?? new Date(notBefore.getTime() + 365 * 86_400_000);
  const subject = `CN=${o.commonName}${o.subjectExtra === undefined ? '' : `, ${o.subjectExtra}`}`;
  const serialNumber = o.serialNumber ?? randomSerial();
  const ca = o.ca === true;
  const hosts = o.hosts ?? [];
  const ekus = o.extendedKeyUsages ?? (ca ? [] : hosts.length > 0 ? ['serverAuth'] : ['clientAuth']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(ca, undefined, true),
    new x509.KeyUsagesExtension(
      ca
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature
        : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (ekus.length > 0 && o.noExtendedKeyUsage !== true)
    extensions.push(new x509.ExtendedKeyUsageExtension(ekus.map((u) => x509.ExtendedKeyUsage[u])));
  if (hosts.length > 0)
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h) => ({ type: isIP(h) === 0 ? 'dns' : 'ip', value: h }) as const),
      ),
    );
  let cert: x509.X509Certificate;
  if (o.issuer === undefined) {
    cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber,
      name: subject,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: SIGN,
      extensions,
    });
  } else {
    const issuer = new x509.X509Certificate(o.issuer.cert);
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer));
    cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject,
      issuer: issuer.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: await importSigningKey(o.issuer.key),
      signingAlgorithm: SIGN,
      extensions,
    });
  }
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: withNewline(cert.toString('pem')), key: withNewline(keyPem(pkcs8)), serialNumber };
}

/** Issues a CRL of `issuer` listing the serial numbers (hex) as revoked; PEM (`X509 CRL`). */
export async function issueCrl(
  issuer: Pick<IssuedPem, 'cert' | 'key'>,
  revoked: readonly string[],
  opts: { thisUpdate?: Date; nextUpdate?: Date } = {},
): Promise<string> {
  const ca = new x509.X509Certificate(issuer.cert);
  const thisUpdate = opts.thisUpdate ?? new Date(Date.now() - 60_000);
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.subject,
    thisUpdate,
    nextUpdate: opts.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * 86_400_000),
    signingAlgorithm: SIGN,
    signingKey: await importSigningKey(issuer.key),
    entries: revoked.map((serialNumber) => ({ serialNumber, revocationDate: thisUpdate })),
  });
  // RFC 7468's label (openssl's); @peculiar/x509 would write `CRL`.
  return withNewline(x509.PemConverter.encode(crl.rawData, 'X509 CRL'));
}
