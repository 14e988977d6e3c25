import { createHash } from 'node:crypto';
import type { Canonical } from './columns.js';

const MOD = 1n << 256n;

/**
 * A digest of a table's rows that does not depend on their order: the sum, modulo 2^256, of one
 * SHA-256 per row over its columns (name and canonical value, each length-prefixed). Both sides
 * are read in whatever order their database gives (SQLite's NOCASE and PostgreSQL's collations
 * need not agree), and the row count is compared beside it.
 */
export class TableDigest {
  #sum = 0n;
  rows = 0;

  add(names: readonly string[], values: readonly Canonical[]): void {
    const h = createHash('sha256');
    for (let i = 0; i < names.length; i++) {
      field(h, Buffer.from(names[i]!, 'utf8'));
      const v = values[i]!;
      if (v === null) field(h, Buffer.from('N'));
      else if ('int' in v) field(h, Buffer.from(`I${v.int}`));
      else if ('text' in v) field(h, Buffer.concat([Buffer.from('T'), v.text]));
      else field(h, Buffer.concat([Buffer.from('B'), v.bytes]));
    }
    this.#sum = (this.#sum + BigInt(`0x${h.digest('hex')}`)) % MOD;
    this.rows++;
  }

  /** 64 hex digits. */
  get hex(): string {
    return this.#sum.toString(16).padStart(64, '0');
  }
}

function field(h: ReturnType<typeof createHash>, b: Buffer): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  h.update(len);
  h.update(b);
}
