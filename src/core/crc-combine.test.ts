import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { combineCrc, combineCrcBase64 } from './crc-combine.js';

function b64(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
}

describe('combineCrc', () => {
  it('matches the CRC32 of concatenated data', () => {
    const a = Buffer.from('The quick brown fox ');
    const b = Buffer.from('jumps over the lazy dog, again and again');
    expect(combineCrc('CRC32', BigInt(crc32(a)), BigInt(crc32(b)), b.length)).toBe(
      BigInt(crc32(Buffer.concat([a, b]))),
    );
  });

  it('combines many parts of different sizes, including empty ones', () => {
    const parts = [Buffer.alloc(1000, 1), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('end')];
    const combined = combineCrcBase64(
      'CRC32',
      parts.map((p) => ({ value: b64(crc32(p)), size: p.length })),
    );
    expect(combined).toBe(b64(crc32(Buffer.concat(parts))));
  });
});
