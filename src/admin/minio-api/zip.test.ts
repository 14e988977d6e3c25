import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../core/index.js';
import { readZip, writeZip, ZIP_LIMITS } from './zip.js';

const entries = [
  { name: 'iam-assets/users.json', data: Buffer.from('{"alice":{"secretKey":"s","status":"enabled"}}') },
  { name: 'iam-assets/empty.json', data: Buffer.alloc(0) },
  { name: 'iam-assets/big.json', data: Buffer.alloc(100_000, 'x') },
];

/** Reads, and returns 'ok' or the code of the TesseraError — anything else fails the test. */
function outcome(zip: Buffer, limits = ZIP_LIMITS): string {
  try {
    readZip(zip, limits);
    return 'ok';
  } catch (e) {
    if (isTesseraError(e)) return e.code;
    throw e;
  }
}

describe('zip', () => {
  it('reads what it writes', () => {
    const back = readZip(writeZip(entries));
    expect(back.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    for (const [i, e] of back.entries()) expect(e.data.equals(entries[i]!.data)).toBe(true);
  });

  it('refuses what is over the bounds: entries, one entry, the total', () => {
    const zip = writeZip(entries);
    expect(outcome(zip, { ...ZIP_LIMITS, entries: 2 })).toBe('InvalidRequest');
    expect(outcome(zip, { ...ZIP_LIMITS, entryBytes: 99_999 })).toBe('InvalidRequest');
    expect(outcome(zip, { ...ZIP_LIMITS, totalBytes: 100_000 })).toBe('InvalidRequest');
  });

  it('answers InvalidRequest, never another error, for damaged archives (fuzzed)', () => {
    const zip = writeZip(entries);
    const seen = new Set<string>();
    for (let round = 0; round < 3000; round++) {
      const bad = Buffer.from(zip);
      const flips = 1 + (round % 4);
      for (let i = 0; i < flips; i++) bad[Math.floor(Math.random() * bad.length)] = randomBytes(1)[0]!;
      const cut = round % 7 === 0 ? bad.subarray(0, Math.floor(Math.random() * bad.length)) : bad;
      const r = outcome(cut);
      expect(['ok', 'InvalidRequest']).toContain(r);
      seen.add(r);
    }
    expect(seen.has('InvalidRequest')).toBe(true);
    for (const junk of [Buffer.alloc(0), Buffer.from('PK'), randomBytes(100), Buffer.alloc(30, 0)])
      expect(outcome(junk)).toBe('InvalidRequest');
  });
});
