import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encryptedSize,
  openRange,
  PACKAGE_SIZE,
  SealBroken,
  SealStream,
  type StoredReader,
  sealBuffer,
} from './format.js';

const key = randomBytes(32);

function readerOf(stored: Buffer): StoredReader {
  return async (position, length) => stored.subarray(position, position + length);
}

async function plainOf(stored: Buffer, size: number, start = 0, end = size - 1, k = key): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of openRange(readerOf(stored), size, k, start, end)) out.push(b);
  return Buffer.concat(out);
}

async function sealStreamed(plain: Buffer, chunk: number): Promise<{ stored: Buffer; seal: SealStream }> {
  const seal = new SealStream(key);
  const pieces: Buffer[] = [];
  for (let i = 0; i < plain.length; i += chunk) pieces.push(plain.subarray(i, i + chunk));
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from(pieces)
      .pipe(seal)
      .on('data', (b: Buffer) => out.push(b))
      .on('end', resolve)
      .on('error', reject);
  });
  return { stored: Buffer.concat(out), seal };
}

describe('SSE package format', () => {
  it('streams and buffers give sequences of the announced size that decrypt', async () => {
    for (const size of [0, 1, PACKAGE_SIZE - 1, PACKAGE_SIZE, PACKAGE_SIZE + 1, 3 * PACKAGE_SIZE + 7]) {
      const plain = randomBytes(size);
      const { stored, seal } = await sealStreamed(plain, 10_000);
      expect(stored.length).toBe(encryptedSize(size));
      expect(seal.size).toBe(stored.length);
      expect(await plainOf(stored, size)).toEqual(plain);
      const buffered = sealBuffer(plain, key);
      expect(buffered.length).toBe(encryptedSize(size));
      expect(await plainOf(buffered, size)).toEqual(plain);
      // Fresh random header bytes: never the same ciphertext twice.
      expect(buffered.equals(stored)).toBe(false);
    }
  });

  it('any range decrypts to the plaintext slice', async () => {
    const plain = randomBytes(5 * PACKAGE_SIZE + 123);
    const stored = sealBuffer(plain, key);
    await fc.assert(
      fc.asyncProperty(fc.nat(plain.length - 1), fc.nat(plain.length - 1), async (a, b) => {
        const [s, e] = a <= b ? [a, b] : [b, a];
        expect((await plainOf(stored, plain.length, s, e)).equals(plain.subarray(s, e + 1))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('detects an altered byte, a wrong key, reordering and truncation', async () => {
    const plain = randomBytes(3 * PACKAGE_SIZE);
    const stored = sealBuffer(plain, key);
    const flipped = Buffer.from(stored);
    flipped[100] = flipped[100]! ^ 1;
    await expect(plainOf(flipped, plain.length)).rejects.toBeInstanceOf(SealBroken);
    await expect(plainOf(stored, plain.length, 0, plain.length - 1, randomBytes(32))).rejects.toBeInstanceOf(
      SealBroken,
    );
    const stride = PACKAGE_SIZE + 16;
    const p0 = stored.subarray(32, 32 + stride);
    const p1 = stored.subarray(32 + stride, 32 + 2 * stride);
    const swapped = Buffer.concat([stored.subarray(0, 32), p1, p0, stored.subarray(32 + 2 * stride)]);
    await expect(plainOf(swapped, plain.length)).rejects.toBeInstanceOf(SealBroken);
    // Dropping the last package and claiming the shorter size: the new last lacks the final flag.
    const cut = stored.subarray(0, 32 + 2 * stride);
    await expect(plainOf(cut, 2 * PACKAGE_SIZE)).rejects.toBeInstanceOf(SealBroken);
    await expect(plainOf(cut, plain.length)).rejects.toBeInstanceOf(SealBroken);
  });
});
