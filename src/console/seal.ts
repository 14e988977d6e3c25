import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV = 12;
const TAG = 16;

/**
 * AES-256-GCM of a JSON value, base64url: `version ‖ iv ‖ ciphertext ‖ tag`, the purpose bound as
 * associated data (a login cookie cannot pass for a session cookie).
 */
export function seal(key: Buffer, purpose: string, value: unknown): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The sealed value, or undefined when it is not one of ours (tampered, truncated, another key or purpose). */
export function unseal(key: Buffer, purpose: string, sealed: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
  const data = Buffer.from(sealed, 'base64url');
  if (data.length < 1 + IV + TAG + 1 || data[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 1 + IV));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(data.subarray(data.length - TAG));
    const plain = Buffer.concat([
      decipher.update(data.subarray(1 + IV, data.length - TAG)),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    return undefined;
  }
}
