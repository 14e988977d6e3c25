import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../core/index.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { decryptData, encryptData, isEncrypted, MAX_ENCRYPTED_BODY } from './encrypted-body.js';
import { FRAGMENT, TAG } from './sio-stream.js';

const PASSWORD = 'secret-key-of-the-signer';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return isTesseraError(e) ? e.code : `crash: ${String(e)}`;
  }
}

describe('madmin EncryptData / DecryptData', () => {
  it('round-trips every algorithm id at fragment boundaries', async () => {
    for (const id of [0x00, 0x01, 0x02]) {
      for (const size of [0, 1, FRAGMENT - 1, FRAGMENT, FRAGMENT + 1, 2 * FRAGMENT, 2 * FRAGMENT + 7]) {
        const plain = Buffer.alloc(size, size % 251);
        const sealed = await encryptData(PASSWORD, plain, id);
        expect(sealed[32]).toBe(id);
        // sio's overhead: one tag per fragment, at least one fragment.
        expect(sealed.length).toBe(41 + size + TAG * Math.max(1, Math.ceil(size / FRAGMENT)));
        expect(isEncrypted(sealed)).toBe(true);
        expect((await decryptData(PASSWORD, sealed)).equals(plain)).toBe(true);
      }
    }
  }, 60_000);

  it('round-trips random bodies and passwords (PBKDF2, fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3 * FRAGMENT }), fc.string(), async (bytes, pw) => {
        const plain = Buffer.from(bytes);
        const sealed = await encryptData(pw, plain, 0x02);
        expect((await decryptData(pw, sealed)).equals(plain)).toBe(true);
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it('refuses any one-byte change, any truncation and a wrong password (fast-check)', async () => {
    const plain = Buffer.alloc(2 * FRAGMENT + 100, 7);
    const sealed = await encryptData(PASSWORD, plain, 0x02);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sealed.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, xor) => {
          const bad = Buffer.from(sealed);
          bad[at]! ^= xor;
          expect(await code(decryptData(PASSWORD, bad))).toBe('XMinioAdminConfigBadJSON');
        },
      ),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sealed.length - 1 }), async (len) => {
        expect(await code(decryptData(PASSWORD, sealed.subarray(0, len)))).toBe('XMinioAdminConfigBadJSON');
      }),
      { numRuns: 40 },
    );
    // Cut at a fragment boundary: the last remaining fragment was sealed as non-final.
    const boundary = 41 + FRAGMENT + TAG;
    expect(await code(decryptData(PASSWORD, sealed.subarray(0, boundary)))).toBe('XMinioAdminConfigBadJSON');
    // Trailing bytes appended.
    expect(await code(decryptData(PASSWORD, Buffer.concat([sealed, Buffer.of(0)])))).toBe(
      'XMinioAdminConfigBadJSON',
    );
    expect(await code(decryptData('another-password', sealed))).toBe('XMinioAdminConfigBadJSON');
  }, 60_000);

  it('refuses a wrong password under argon2id', async () => {
    const sealed = await encryptData(PASSWORD, Buffer.from('{"status":"enabled"}'));
    expect(await code(decryptData('wrong', sealed))).toBe('XMinioAdminConfigBadJSON');
  }, 30_000);

  it('refuses an unknown algorithm id, a short body and an oversized one', async () => {
    const sealed = await encryptData(PASSWORD, Buffer.from('{}'), 0x02);
    for (const id of [0x03, 0x7f, 0xff]) {
      const bad = Buffer.from(sealed);
      bad[32] = id;
      expect(isEncrypted(bad)).toBe(false);
      expect(await code(decryptData(PASSWORD, bad))).toBe('XMinioAdminConfigBadJSON');
    }
    expect(await code(decryptData(PASSWORD, Buffer.alloc(0)))).toBe('XMinioAdminConfigBadJSON');
    expect(await code(decryptData(PASSWORD, Buffer.from('{"secretKey":"x"}')))).toBe(
      'XMinioAdminConfigBadJSON',
    );
    expect(await code(decryptData(PASSWORD, Buffer.alloc(MAX_ENCRYPTED_BODY + 1)))).toBe(
      'XMinioAdminConfigTooLarge',
    );
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` at once, queues `queue` more and refuses the rest with SlowDown', async () => {
    const limit = new ConcurrencyLimit(2, 1);
    let peak = 0;
    let now = 0;
    const gates: Array<() => void> = [];
    const task = () =>
      limit.run(async () => {
        peak = Math.max(peak, ++now);
        await new Promise<void>((r) => gates.push(r));
        now--;
        return 'done';
      });
    const a = task();
    const b = task();
    const c = task();
    expect(await code(task())).toBe('SlowDown');
    await new Promise((r) => setImmediate(r));
    expect(limit.load).toEqual({ running: 2, waiting: 1 });
    while (gates.length > 0 || limit.load.running > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all([a, b, c])).toEqual(['done', 'done', 'done']);
    expect(peak).toBe(2);
    expect(limit.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(1, 0);
    await expect(limit.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 1)).toBe(1);
  });
});
