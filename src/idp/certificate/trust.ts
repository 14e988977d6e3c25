import { X509Certificate as NodeCertificate } from 'node:crypto';
import { x509 } from './x509.js';

/** A parsed certificate: @peculiar/x509's (names, extensions) and node's (signature checks). */
export interface ParsedCertificate {
  readonly der: Buffer;
  readonly cert: x509.X509Certificate;
  readonly node: NodeCertificate;
}

/** Parses one DER certificate; throws on garbage. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const buf = Buffer.from(der);
  return { der: buf, cert: new x509.X509Certificate(buf), node: new NodeCertificate(buf) };
}

/** Trust anchors and the CRLs that go with them, as loaded together. */
export interface TrustSet {
  readonly anchors: readonly ParsedCertificate[];
  readonly crls: readonly x509.X509Crl[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** The PEM blocks of a file, by label (`CERTIFICATE`, `X509 CRL`, …). */
export function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, pem: m[0] }));
}

/**
 * The trust anchors client certificates are verified against (the certs directory's `CAs/`) and
 * the CRLs that revoke certificates they issued. Replaced whole on reload (`update`), so a
 * verification in progress keeps the set it started with.
 */
export class CertificateTrust {
  #current: TrustSet = { anchors: [], crls: [] };

  /**
   * Replaces the anchors and CRLs: `files` are the CAs/ files' contents (PEM certificates and
   * CRLs, several per file allowed; a DER CRL in a `.crl` file). Other PEM blocks (keys) are
   * ignored. Throws naming the file when a certificate or CRL does not parse.
   */
  update(files: readonly { name: string; content: Buffer }[]): { anchors: number; crls: number } {
    const anchors: ParsedCertificate[] = [];
    const crls: x509.X509Crl[] = [];
    for (const f of files) {
      const text = f.content.toString('latin1');
      const blocks = pemBlocks(text);
      try {
        if (blocks.length === 0 && /\.crl$/i.test(f.name)) crls.push(new x509.X509Crl(f.content));
        for (const b of blocks) {
          if (b.label === 'CERTIFICATE')
            anchors.push(parseCertificate(new Uint8Array(x509.PemConverter.decodeFirst(b.pem))));
          else if (b.label === 'X509 CRL' || b.label === 'CRL')
            crls.push(new x509.X509Crl(new Uint8Array(x509.PemConverter.decodeFirst(b.pem))));
        }
      } catch (e) {
        throw new Error(`${f.name}: not a valid certificate or CRL (${e instanceof Error ? e.message : e})`);
      }
    }
    this.#current = { anchors, crls };
    return { anchors: anchors.length, crls: crls.length };
  }

  /** The anchors and CRLs now (one consistent set: take it once per verification). */
  get current(): TrustSet {
    return this.#current;
  }
}
