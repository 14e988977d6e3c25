import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileOnce } from '../core/index.js';

/** The key that encrypts stored secrets (docs/architecture.md): 32 bytes and a name recorded in every ciphertext. */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
  readonly source: 'environment' | 'file';
}

/**
 * Parses MinIO's KMS secret key format `key-name:base64-of-32-bytes`.
 * @example parseMasterKey('my-key:' + randomBytes(32).toString('base64'))
 */
export function parseMasterKey(value: string, source: MasterKey['source'] = 'environment'): MasterKey {
  const at = value.indexOf(':');
  const id = value.slice(0, at);
  const encoded = value.slice(at + 1).trim();
  const key = Buffer.from(encoded, 'base64');
  if (at <= 0 || !/^[\w.-]{1,64}$/.test(id) || key.length !== 32 || key.toString('base64') !== encoded) {
    // Never echo the value: it is the key.
    throw new Error('the master key must be "key-name:base64" with 32 bytes of key (TESSERA_KMS_SECRET_KEY)');
  }
  return { id, key, source };
}

function readKeyFile(file: string): MasterKey {
  return parseMasterKey(readFileSync(file, 'utf8'), 'file');
}

/**
 * The master key: `TESSERA_KMS_SECRET_KEY` (alias `MINIO_KMS_SECRET_KEY`) when set, otherwise the
 * key file `<dataDir>/.tessera/master.key`, created at first start with mode 0600. Never derived
 * from the root password. Race-safe when several processes start at once: the key is written to
 * a private temporary file (created with 'wx'), fsynced, then linked into place; link() fails with
 * EEXIST when another process won, and everyone then reads the winner's complete file.
 */
export function loadMasterKey(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): MasterKey {
  const value = env.TESSERA_KMS_SECRET_KEY ?? env.MINIO_KMS_SECRET_KEY;
  if (value !== undefined && value !== '') return parseMasterKey(value);
  const dir = join(dataDir, '.tessera');
  const file = join(dir, 'master.key');
  try {
    return readKeyFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const content = `tessera-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}\n`;
  createFileOnce(file, content, 0o600);
  return readKeyFile(file);
}
