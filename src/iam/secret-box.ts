import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TesseraError } from '../core/index.js';
import type { MasterKey } from './master-key.js';

const VERSION = 'v1';

/**
 * Encrypts stored secrets with AES-256-GCM under the master key. A ciphertext is
 * `v1:<key id>:<base64url(iv ‖ tag ‖ ciphertext)>`, and is bound (as additional authenticated
 * data) to the row it belongs to, so that a ciphertext copied to another row does not decrypt.
 * @example box.decrypt(box.encrypt(secret, 'user::alice'), 'user::alice') === secret
 */
export class SecretBox {
  readonly #key: MasterKey;

  constructor(key: MasterKey) {
    this.#key = key;
  }

  get keyId(): string {
    return this.#key.id;
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return `${VERSION}:${this.#key.id}:${sealed}`;
  }

  /** Throws InternalError (without the secret) when the key differs or the data was altered. */
  decrypt(ciphertext: string, context: string): string {
    const [version, keyId, sealed] = ciphertext.split(':');
    if (version !== VERSION || sealed === undefined)
      throw new TesseraError('InternalError', 'unknown secret format');
    if (keyId !== this.#key.id) {
      throw new TesseraError(
        'InternalError',
        `a stored secret is encrypted under master key "${keyId}", but the configured master key is "${this.#key.id}"`,
      );
    }
    const raw = Buffer.from(sealed, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new TesseraError(
        'InternalError',
        'a stored secret failed authentication (wrong master key or altered data)',
      );
    }
  }
}
