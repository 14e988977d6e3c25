import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { issueCertificate, issueCrl } from './issue.js';
import { CertificateTrust } from './trust.js';
import { createCertificateVerifier } from './verify.js';
import { x509 } from './x509.js';

const der = (pem: string) => new Uint8Array(x509.PemConverter.decodeFirst(pem));

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof TesseraError ? `${e.code}:${e.auditReason ?? ''}` : String(e);
  }
}

describe('client certificate verifier', async () => {
  const root = await issueCertificate({ commonName: 'Root', ca: true });
  const inter = await issueCertificate({ commonName: 'Inter', ca: true, issuer: root });
  const other = await issueCertificate({ commonName: 'Other', ca: true });
  const good = await issueCertificate({ commonName: 'readwrite', issuer: root });
  const viaInter = await issueCertificate({ commonName: 'readwrite', issuer: inter });
  const revoked = await issueCertificate({ commonName: 'readwrite', issuer: root });
  const trust = new CertificateTrust();
  const files = (crls: string[]) => [
    { name: 'root.crt', content: Buffer.from(root.cert) },
    ...crls.map((c, i) => ({ name: `c${i}.crl`, content: Buffer.from(c) })),
  ];
  trust.update(files([await issueCrl(root, [revoked.serialNumber])]));
  const verifier = createCertificateVerifier({ trust });
  const now = Date.now();

  it('accepts a certificate of a trusted CA, and names the CN as its policy', async () => {
    const v = await verifier.verify([der(good.cert)], { now });
    expect(v.commonName).toBe('readwrite');
    expect(v.policies).toEqual(['readwrite']);
    expect(v.serialNumber).toBe(good.serialNumber);
  });

  it('follows an intermediate the client sends', async () => {
    expect(await code(verifier.verify([der(viaInter.cert), der(inter.cert)], { now }))).toBe('ok');
    expect(await code(verifier.verify([der(viaInter.cert)], { now }))).toBe(
      'InvalidClientCertificate:unknown-authority',
    );
  });

  it('refuses revoked, foreign, expired and not-yet-valid certificates', async () => {
    expect(await code(verifier.verify([der(revoked.cert)], { now }))).toBe(
      'InvalidClientCertificate:certificate-revoked',
    );
    const foreign = await issueCertificate({ commonName: 'readwrite', issuer: other });
    expect(await code(verifier.verify([der(foreign.cert)], { now }))).toBe(
      'InvalidClientCertificate:unknown-authority',
    );
    expect(await code(verifier.verify([der(good.cert)], { now: now + 400 * 86_400_000 }))).toBe(
      'InvalidClientCertificate:certificate-expired',
    );
    expect(await code(verifier.verify([der(good.cert)], { now: now - 86_400_000 }))).toBe(
      'InvalidClientCertificate:certificate-not-yet-valid',
    );
  });

  it('a CRL signed by another key is ignored; skip-verify still checks dates and usage', async () => {
    const t2 = new CertificateTrust();
    t2.update(files([await issueCrl({ cert: root.cert, key: other.key }, [good.serialNumber])]));
    expect(await code(createCertificateVerifier({ trust: t2 }).verify([der(good.cert)], { now }))).toBe('ok');
    const skip = createCertificateVerifier({ trust: new CertificateTrust(), skipVerify: true });
    const foreign = await issueCertificate({ commonName: 'x1', issuer: other });
    expect(await code(skip.verify([der(foreign.cert)], { now }))).toBe('ok');
    const server = await issueCertificate({
      commonName: 'x1',
      issuer: root,
      extendedKeyUsages: ['serverAuth'],
    });
    expect(await code(skip.verify([der(server.cert)], { now }))).toBe(
      'InvalidClientCertificate:wrong-key-usage',
    );
  });

  it('no leaf is MissingParameter, two leaves InvalidParameterValue; a policy map replaces the CN rule', async () => {
    expect(await code(verifier.verify([], { now }))).toBe('MissingParameter:no-certificate');
    expect(await code(verifier.verify([der(root.cert)], { now }))).toBe('MissingParameter:no-certificate');
    expect(await code(verifier.verify([der(good.cert), der(revoked.cert)], { now }))).toBe(
      'InvalidParameterValue:',
    );
    const mapped = createCertificateVerifier({ trust, policyMap: new Map([['readwrite', ['a', 'b']]]) });
    expect((await mapped.verify([der(good.cert)], { now })).policies).toEqual(['a', 'b']);
    const other2 = await issueCertificate({ commonName: 'unmapped', issuer: root });
    expect((await mapped.verify([der(other2.cert)], { now })).policies).toEqual([]);
  });
});
