import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { formBoundary } from './disposition.js';
import { MAX_PRE_DATA, readPostForm } from './form.js';

const B = 'XyZ';

/** A body split into chunks of `size` bytes (the parser must not care where chunks end). */
function chunked(text: string | Buffer, size = 3): Readable {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) pieces.push(buf.subarray(i, i + size));
  return Readable.from(pieces);
}

async function drain(r: Readable): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out).toString();
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (e instanceof TesseraError) return e.code;
    throw e;
  }
}

const BODY =
  `preamble\r\n--${B}\r\nContent-Disposition: form-data; name="Key"\r\n\r\nuser/${'${filename}'}\r\n` +
  `--${B}  \r\ncontent-disposition: form-data; name="x-amz-meta-note"\r\n\r\nline 1\r\nline 2\r\n` +
  `--${B}\r\nContent-Disposition: form-data; name="FILE"; filename="a \\"b\\".txt"\r\nContent-Type: text/plain\r\n\r\n` +
  `--${B}- not a boundary\r\n\r\n--${B}\r\nContent-Disposition: form-data; name="after"\r\n\r\nignored\r\n--${B}--\r\n`;

describe('the POST form reader', () => {
  it('reads fields in order, then streams the file up to its boundary, whatever the chunking', async () => {
    for (const size of [1, 2, 5, 64, 4096]) {
      const form = await readPostForm(chunked(BODY, size), B);
      expect(form.fields).toEqual([
        { name: 'Key', value: 'user/${filename}' },
        { name: 'x-amz-meta-note', value: 'line 1\r\nline 2' },
      ]);
      expect(form.file?.filename).toBe('a "b".txt');
      expect(form.file?.contentType).toBe('text/plain');
      expect(await drain(form.file!.body)).toBe(`--${B}- not a boundary\r\n`);
    }
  });

  it('takes the boundary from multipart/form-data only', () => {
    expect(formBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(formBoundary('Multipart/Form-Data;boundary=----x')).toBe('----x');
    const failing = (ct: string | undefined) => {
      try {
        formBoundary(ct);
      } catch (e) {
        return (e as TesseraError).code;
      }
      return undefined;
    };
    expect(failing('application/x-www-form-urlencoded')).toBe('PreconditionFailed');
    expect(failing(undefined)).toBe('PreconditionFailed');
    expect(failing('multipart/form-data')).toBe('MalformedPOSTRequest');
  });

  it('has no file when the body closes without one; fails on a cut body or an oversized form', async () => {
    const none = await readPostForm(
      chunked(`--${B}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--${B}--`),
      B,
    );
    expect(none).toEqual({ fields: [{ name: 'key', value: 'k' }], file: undefined });
    const cutFile = await readPostForm(chunked(BODY.slice(0, BODY.indexOf('not a boundary'))), B);
    expect(await code(drain(cutFile.file!.body))).toBe('MalformedPOSTRequest');
    expect(await code(readPostForm(chunked(BODY.slice(0, 40)), B))).toBe('MalformedPOSTRequest');
    expect(await code(readPostForm(chunked(`--${B}\r\nNo-Colon\r\n\r\nx\r\n--${B}--`), B))).toBe(
      'MalformedPOSTRequest',
    );
    const big = `--${B}\r\nContent-Disposition: form-data; name="pad"\r\n\r\n${'p'.repeat(MAX_PRE_DATA)}\r\n--${B}--`;
    expect(await code(readPostForm(chunked(big, 1000), B))).toBe('MaxPostPreDataLengthExceeded');
    // A part named file that is not form-data is a field (its content counts against the limit).
    const notFile = await readPostForm(
      chunked(`--${B}\r\nContent-Disposition: attachment; name="file"\r\n\r\nx\r\n--${B}--`),
      B,
    );
    expect(notFile.file).toBeUndefined();
  });

  it('never fails with anything but a TesseraError, and never hangs (time-boxed fuzz)', async () => {
    const piece = fc.constantFrom(
      `--${B}`,
      '\r\n',
      '--',
      'Content-Disposition: form-data; name="',
      'file',
      'key',
      '"; filename="f"',
      '"',
      ':',
      ' ',
      'x',
      `\r\n--${B}--`,
      '\r\n\r\n',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 40 }),
        fc.integer({ min: 1, max: 17 }),
        async (parts, size) => {
          try {
            const form = await readPostForm(chunked(parts.join(''), size), B);
            if (form.file) await drain(form.file.body);
          } catch (e) {
            if (!(e instanceof TesseraError)) throw e;
          }
        },
      ),
      { numRuns: 1500, interruptAfterTimeLimit: 3000 },
    );
  });
});
