import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBuffer } from './line-buffer.js';

describe('LineBuffer', () => {
  it('holds each text as Buffer.from would encode it, newline-ended, growing as needed', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 40 }), (texts) => {
        const out = new LineBuffer(1); // starts at its smallest: every batch here makes it grow
        const views = texts.map((t) => Buffer.from(out.add(t)));
        expect(out.lines).toBe(texts.length);
        expect(out.bytes.equals(Buffer.concat(texts.map((t) => Buffer.from(`${t}\n`))))).toBe(true);
        // Each view is the text's bytes alone (what the chain hashes), lone surrogates as U+FFFD.
        for (const [i, t] of texts.entries()) expect(views[i]!.equals(Buffer.from(t))).toBe(true);
      }),
    );
  });

  it('starts over when cleared, keeping no line of the batch before', () => {
    const out = new LineBuffer(1024);
    out.add('first batch');
    out.clear();
    out.add('é');
    expect(out.lines).toBe(1);
    expect(out.bytes.toString('utf8')).toBe('é\n');
  });
});
