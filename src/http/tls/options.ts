import type { SecureContextOptions } from 'node:tls';

/** TLS 1.2 and 1.3 only. */
export const TLS_MIN_VERSION = 'TLSv1.2';
export const TLS_MAX_VERSION = 'TLSv1.3';

/**
 * TLS 1.2 suites: forward-secret ECDHE with AEAD ciphers only (Mozilla's "intermediate" list);
 * TLS 1.3's suites are all AEAD and stay OpenSSL's defaults.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The secure context options every certificate is served with. */
export function secureContextOptions(
  cert: Buffer,
  key: Buffer,
  ca?: readonly Buffer[],
): SecureContextOptions {
  return {
    cert,
    key,
    minVersion: TLS_MIN_VERSION,
    maxVersion: TLS_MAX_VERSION,
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
    ecdhCurve: 'X25519:prime256v1:secp384r1',
    // The CAs client certificates are asked for (their names go into the CertificateRequest).
    ...(ca === undefined || ca.length === 0 ? {} : { ca: [...ca] }),
  };
}
