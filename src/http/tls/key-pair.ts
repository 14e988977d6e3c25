import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';

/** A certificate chain file and its private key, checked to belong together. */
export interface KeyPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The leaf certificate (the first of the chain file). */
  readonly leaf: X509Certificate;
}

const FIRST_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * Checks that `cert` (PEM, leaf first) and `key` (PEM) are a pair; throws an Error that names
 * the files and says what is wrong (not PEM, an encrypted key, a key of another certificate).
 */
export function checkKeyPair(certFile: string, cert: Buffer, keyFile: string, key: Buffer): KeyPair {
  const pem = FIRST_CERT.exec(cert.toString('latin1'));
  if (pem === null) throw new Error(`TLS: ${certFile} holds no PEM certificate`);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(pem[0]);
  } catch (e) {
    throw new Error(`TLS: ${certFile}: the certificate does not parse (${(e as Error).message})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MISSING_PASSPHRASE')
      throw new Error(`TLS: ${keyFile} is encrypted; Tessera needs an unencrypted private key`);
    throw new Error(`TLS: ${keyFile} holds no PEM private key (${(e as Error).message})`);
  }
  if (!leaf.checkPrivateKey(privateKey))
    throw new Error(
      `TLS: ${keyFile} is not the private key of ${certFile} (subject ${leaf.subject.replace(/\n/g, ', ')}): the key pair does not match`,
    );
  return { certFile, keyFile, cert, key, leaf };
}

/** The DNS names (and IP addresses) a certificate is for: its subjectAltName, else its CN. */
export function certificateNames(leaf: X509Certificate): string[] {
  const san = leaf.subjectAltName;
  if (san !== undefined && san !== '') {
    const names: string[] = [];
    for (const part of san.split(/,\s*/)) {
      if (part.startsWith('DNS:')) names.push(part.slice(4).toLowerCase());
      else if (part.startsWith('IP Address:')) names.push(part.slice(11).toLowerCase());
    }
    return names;
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
  return cn === undefined ? [] : [cn.toLowerCase()];
}
