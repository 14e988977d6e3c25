import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type IssuedPem, type IssueOptions, loadCertificateTools } from '../../src/idp/index.js';

export type { IssuedPem };

/** Issues a certificate with Tessera's own issuing code (ECDSA P-256; src/idp/certificate/issue.ts). */
export async function issue(o: IssueOptions): Promise<IssuedPem> {
  return (await loadCertificateTools()).issueCertificate(o);
}

/** A CRL of `ca` revoking `serials`. */
export async function crl(ca: IssuedPem, serials: readonly string[]): Promise<string> {
  return (await loadCertificateTools()).issueCrl(ca, serials);
}

/** A CA (self-signed) with `cn`. */
export function ca(cn: string, extra: Partial<IssueOptions> = {}): Promise<IssuedPem> {
  return issue({ commonName: cn, ca: true, ...extra });
}

/** A server certificate for loopback (localhost, 127.0.0.1, ::1) signed by `issuer`. */
export function serverCert(
  issuer: IssuedPem,
  cn = 'localhost',
  extra: Partial<IssueOptions> = {},
): Promise<IssuedPem> {
  return issue({ commonName: cn, issuer, hosts: ['localhost', '127.0.0.1', '::1'], ...extra });
}

/** A client certificate with `cn` (clientAuth) signed by `issuer`. */
export function clientCert(
  issuer: IssuedPem,
  cn: string,
  extra: Partial<IssueOptions> = {},
): Promise<IssuedPem> {
  return issue({ commonName: cn, issuer, ...extra });
}

/** Writes a file through a temporary name and a rename (as deploy tools replace certificates). */
export function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/**
 * A certs directory in MinIO's layout: public.crt/private.key, CAs/ (certificates and CRLs by
 * file name), SNI sub-folders. Returns its path.
 */
export function writeCertsDir(
  server: IssuedPem,
  cas: Record<string, string> = {},
  sni: Record<string, IssuedPem> = {},
  dir = mkdtempSync(join(tmpdir(), 'tessera-certs-')),
): string {
  writeFileSync(join(dir, 'public.crt'), server.cert);
  writeFileSync(join(dir, 'private.key'), server.key, { mode: 0o600 });
  mkdirSync(join(dir, 'CAs'), { recursive: true });
  for (const [name, text] of Object.entries(cas)) writeFileSync(join(dir, 'CAs', name), text);
  for (const [name, pair] of Object.entries(sni)) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'public.crt'), pair.cert);
    writeFileSync(join(dir, name, 'private.key'), pair.key, { mode: 0o600 });
  }
  return dir;
}

/** An AWS SDK v3 request handler over HTTPS trusting `caPem` (and presenting `client`, if given). */
export function httpsHandler(caPem: string, client?: IssuedPem): NodeHttpHandler {
  return new NodeHttpHandler({
    httpsAgent: new Agent({
      ca: caPem,
      keepAlive: true,
      ...(client === undefined ? {} : { cert: client.cert, key: client.key }),
    }),
  });
}
