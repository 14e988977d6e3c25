import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCertificateTools } from '../../idp/index.js';
import { certificateNames, checkKeyPair } from './key-pair.js';
import { loadTlsMaterial } from './material.js';
import { TlsReloader } from './reloader.js';

describe('TLS material and reloads', async () => {
  const { issueCertificate } = await loadCertificateTools();
  const ca = await issueCertificate({ commonName: 'CA', ca: true });
  const a = await issueCertificate({
    commonName: 'localhost',
    issuer: ca,
    hosts: ['localhost', '127.0.0.1'],
  });
  const b = await issueCertificate({ commonName: 'b', issuer: ca, hosts: ['b.test', '*.wild.test'] });
  const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-unit-'));
  const write = (rel: string, text: string) => writeFileSync(join(dir, rel), text);
  write('public.crt', a.cert);
  write('private.key', a.key);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks that a key belongs to its certificate', () => {
    expect(() => checkKeyPair('c', Buffer.from(a.cert), 'k', Buffer.from(b.key))).toThrow(
      /k is not the private key of c/,
    );
    expect(() => checkKeyPair('c', Buffer.from('junk'), 'k', Buffer.from(a.key))).toThrow(
      /c holds no PEM certificate/,
    );
    expect(certificateNames(checkKeyPair('c', Buffer.from(b.cert), 'k', Buffer.from(b.key)).leaf)).toEqual([
      'b.test',
      '*.wild.test',
    ]);
  });

  it('reads SNI sub-folders and CAs/, and picks certificates by name (wildcards one label deep)', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'b'));
    mkdirSync(join(dir, 'CAs'));
    write('b/public.crt', b.cert);
    write('b/private.key', b.key);
    write('CAs/ca.crt', ca.cert);
    write('CAs/client.key', a.key); // ignored (MinIO's walk-through copies keys there)
    const m = loadTlsMaterial({ certsDir: dir });
    expect(m.sni.map((s) => s.names)).toEqual([['b.test', '*.wild.test']]);
    expect(m.caCerts).toHaveLength(1);
    const r = new TlsReloader({ certsDir: dir }, { requestClientCert: true, log: () => {} });
    expect(r.contextFor('B.TEST')).toBeDefined();
    expect(r.contextFor('x.wild.test')).toBe(r.contextFor('b.test'));
    expect(r.contextFor('x.y.wild.test')).toBeUndefined();
    expect(r.contextFor('localhost')).toBeUndefined();
    expect(r.serverOptions()).toMatchObject({
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    r.close();
  });

  it('a reload that meets a bad pair keeps the certificates in use', () => {
    const logs: string[] = [];
    const r = new TlsReloader({ certsDir: dir }, { requestClientCert: false, log: (m) => logs.push(m) });
    write('private.key', b.key);
    expect(r.reload()).toBe(false);
    expect(logs[0]).toMatch(/reload refused.*does not match/);
    expect(r.material.default.cert.toString()).toBe(a.cert);
    write('private.key', a.key);
    expect(r.reload()).toBe(true);
    r.close();
  });
});
