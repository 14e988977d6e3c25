import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { TesseraError } from '../../core/index.js';
import type { KmsKeyRecord, MetadataStore } from '../../storage/index.js';

/** A key of the built-in KMS, as `tessera admin kms key list|status` shows it. */
export interface KmsKeyInfo {
  name: string;
  createdAt?: number | undefined;
  /** The default key: SSE-S3's, and SSE-KMS's when no key id is named. */
  isDefault: boolean;
}

/** A data key: plain for this request only, sealed for the metadata. */
export interface DataKey {
  plain: Buffer;
  sealed: string;
}

/** Key names: MinIO's (and KES's) allowed characters. */
const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Sealed data key: base64url(iv ‖ tag ‖ ciphertext), AES-256-GCM under a key-encryption key. */
export function sealKey(kek: Buffer, plain: Buffer, aad: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plain data key, or undefined when the key-encryption key (or the AAD) is not the one sealed with. */
export function unsealKey(kek: Buffer, sealed: string, aad: Buffer): Buffer | undefined {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length !== 12 + 16 + 32) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
    decipher.setAAD(aad);
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * The built-in KMS (docs/encryption.md "Keys"): named keys whose material is derived from the
 * master key (HKDF-SHA256, one derivation per name), so that nothing but their names is stored.
 * The default key is named after the master key (TESSERA_KMS_SECRET_KEY's `name:`), as MinIO's
 * MINIO_KMS_SECRET_KEY names its single key; it always exists.
 * @example const key = await kms.generateDataKey(kms.defaultKeyId, aad)
 */
export class BuiltinKms {
  readonly defaultKeyId: string;
  readonly #master: Buffer;
  readonly #store: MetadataStore;
  readonly #known = new Set<string>();

  constructor(master: { id: string; key: Buffer }, store: MetadataStore) {
    this.defaultKeyId = master.id;
    this.#master = master.key;
    this.#store = store;
  }

  #kek(name: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#master, 'tessera-kms-v1', `key:${name}`, 32));
  }

  /** True when the key exists (the default one, or one created). */
  async exists(name: string): Promise<boolean> {
    if (name === this.defaultKeyId || this.#known.has(name)) return true;
    const keys = await this.#store.listKmsKeys();
    for (const k of keys) this.#known.add(k.name);
    return this.#known.has(name);
  }

  async #require(name: string): Promise<void> {
    if (!(await this.exists(name)))
      throw new TesseraError('InvalidArgument', `Invalid keyId: the KMS key "${name}" does not exist.`);
  }

  /** A fresh data key sealed under `keyId`; InvalidArgument when there is no such key. */
  async generateDataKey(keyId: string, aad: Buffer): Promise<DataKey> {
    await this.#require(keyId);
    const plain = randomBytes(32);
    return { plain, sealed: sealKey(this.#kek(keyId), plain, aad) };
  }

  /** Unseals a data key; InternalError when it does not open (another master key, altered metadata). */
  async decrypt(keyId: string, sealed: string, aad: Buffer): Promise<Buffer> {
    const plain = unsealKey(this.#kek(keyId), sealed, aad);
    if (plain === undefined)
      throw new TesseraError('InternalError', `the data key sealed under KMS key "${keyId}" does not open`);
    return plain;
  }

  /** Creates a key; false when it exists. InvalidArgument for a name MinIO would refuse. */
  async createKey(name: string, now: number): Promise<boolean> {
    if (!KEY_NAME.test(name))
      throw new TesseraError('XMinioAdminInvalidArgument', `invalid key name "${name}"`);
    if (name === this.defaultKeyId) return false;
    const created = await this.#store.createKmsKey({ name, createdAt: now });
    this.#known.add(name);
    return created;
  }

  /** Keys whose name matches `pattern` (`*` any run of characters), the default key first. */
  async listKeys(pattern = '*'): Promise<KmsKeyInfo[]> {
    const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
    const stored: KmsKeyRecord[] = await this.#store.listKmsKeys();
    const all: KmsKeyInfo[] = [
      { name: this.defaultKeyId, isDefault: true },
      ...stored.map((k) => ({ name: k.name, createdAt: k.createdAt, isDefault: false })),
    ];
    return all.filter((k) => re.test(k.name));
  }

  /**
   * Checks a key works as MinIO's key status does: seals and unseals a test value.
   * InvalidArgument when there is no such key.
   */
  async keyStatus(name: string): Promise<{ encryptionOk: boolean; decryptionOk: boolean }> {
    await this.#require(name);
    const aad = Buffer.from('tessera-kms-status');
    const key = await this.generateDataKey(name, aad);
    const back = unsealKey(this.#kek(name), key.sealed, aad);
    return { encryptionOk: true, decryptionOk: back?.equals(key.plain) === true };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
