import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { certificateNames, checkKeyPair, type KeyPair } from './key-pair.js';

/** Where the server's certificates come from (docs/tls.md). */
export interface TlsSource {
  /** MinIO's certs directory: public.crt, private.key, SNI sub-folders, CAs/. */
  readonly certsDir?: string;
  /** TESSERA_TLS_CERT_FILE / TESSERA_TLS_KEY_FILE: the default pair (instead of the directory's). */
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** The files of CAs/, read whole (certificates and CRLs; keys there are ignored). */
export interface CaFile {
  readonly name: string;
  readonly content: Buffer;
}

/** Everything TLS needs, read and checked at once. */
export interface TlsMaterial {
  /** The certificate served when no SNI certificate matches. */
  readonly default: KeyPair;
  /** The sub-folders' certificates, by the names (SANs) they are for. */
  readonly sni: readonly { readonly names: readonly string[]; readonly pair: KeyPair }[];
  /** CAs/: trust anchors and CRLs for client certificates. */
  readonly caFiles: readonly CaFile[];
  /** The CERTIFICATE blocks of CAs/ (the TLS context's `ca`). */
  readonly caCerts: readonly Buffer[];
  /** The directories whose changes trigger a reload. */
  readonly watch: readonly string[];
}

export const PUBLIC_CERT = 'public.crt';
export const PRIVATE_KEY = 'private.key';
export const CAS_DIR = 'CAs';

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function read(p: string): Buffer {
  try {
    return readFileSync(p);
  } catch (e) {
    throw new Error(`TLS: cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function pairAt(certFile: string, keyFile: string): KeyPair {
  return checkKeyPair(certFile, read(certFile), keyFile, read(keyFile));
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads the certificates as MinIO lays them out: `public.crt` + `private.key` (the default
 * pair, or TESSERA_TLS_CERT_FILE / TESSERA_TLS_KEY_FILE), every sub-folder with its own pair (SNI,
 * by the names in its certificate), and the CAs in `CAs/`. Throws an Error naming the file when
 * something is missing, unreadable or mismatched.
 */
export function loadTlsMaterial(src: TlsSource): TlsMaterial {
  const dir = src.certsDir;
  if (dir !== undefined && !isDir(dir)) throw new Error(`TLS: the certs directory ${dir} does not exist`);
  const certFile = src.certFile ?? (dir === undefined ? undefined : join(dir, PUBLIC_CERT));
  const keyFile = src.keyFile ?? (dir === undefined ? undefined : join(dir, PRIVATE_KEY));
  if (certFile === undefined || keyFile === undefined)
    throw new Error('TLS: TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE go together');
  if (!isFile(certFile)) throw new Error(`TLS: no certificate file ${certFile}`);
  if (!isFile(keyFile)) throw new Error(`TLS: no private key file ${keyFile}`);
  const watch = new Set<string>();
  for (const f of [certFile, keyFile]) watch.add(join(f, '..'));
  const sni: { names: string[]; pair: KeyPair }[] = [];
  const caFiles: CaFile[] = [];
  if (dir !== undefined) {
    watch.add(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const sub = join(dir, e.name);
      if (e.name.startsWith('.') || e.name === CAS_DIR || !isDir(sub)) continue;
      const c = join(sub, PUBLIC_CERT);
      const k = join(sub, PRIVATE_KEY);
      if (!isFile(c) && !isFile(k)) continue;
      const pair = pairAt(c, k);
      sni.push({ names: certificateNames(pair.leaf), pair });
      watch.add(sub);
    }
    const cas = join(dir, CAS_DIR);
    if (isDir(cas)) {
      watch.add(cas);
      for (const e of readdirSync(cas).sort()) {
        const p = join(cas, e);
        if (!e.startsWith('.') && isFile(p)) caFiles.push({ name: p, content: read(p) });
      }
    }
  }
  const caCerts = caFiles.flatMap((f) =>
    [...f.content.toString('latin1').matchAll(CERT_BLOCK)].map((m) => Buffer.from(m[0], 'latin1')),
  );
  return { default: pairAt(certFile, keyFile), sni, caFiles, caCerts, watch: [...watch] };
}
