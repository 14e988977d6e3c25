import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SlotRing } from './slot-ring.js';

describe('SlotRing.copyIn', () => {
  it('copies a piece into its slot at the offset, touching no byte around it', () => {
    const ring = new SlotRing(3, 4096);
    ring.bytes.fill(0xee);
    const piece = randomBytes(1000);
    ring.copyIn(1, 77, piece.subarray(3, 903));
    expect(Buffer.from(ring.view(1, 977).subarray(77)).equals(piece.subarray(3, 903))).toBe(true);
    expect(ring.bytes[4096 + 76]).toBe(0xee);
    expect(ring.bytes[4096 + 977]).toBe(0xee);
    expect(ring.view(0, 4096).every((b) => b === 0xee)).toBe(true);
    expect(ring.bytes.subarray(2 * 4096).every((b) => b === 0xee)).toBe(true);
  });

  it('fills a slot to its last byte and accepts an empty piece', () => {
    const ring = new SlotRing(2, 1024);
    const piece = randomBytes(1024);
    ring.copyIn(1, 0, Buffer.alloc(0));
    ring.copyIn(1, 0, piece);
    expect(Buffer.from(ring.view(1, 1024)).equals(piece)).toBe(true);
  });
});
