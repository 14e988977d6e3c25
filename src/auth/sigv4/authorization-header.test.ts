import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { parseSignedHeaders, splitAuthorization, splitUsual } from './authorization-header.js';

const outcome = (f: () => unknown) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as { code?: string }).code };
  }
};

describe('the Authorization header split', () => {
  it('reads the usual form as the general parse does, and leaves every other form to it', () => {
    const piece = fc.constantFrom(
      'AWS4-HMAC-SHA256 ',
      'AWS4-HMAC-SHA256',
      'Credential=',
      'SignedHeaders=',
      'Signature=',
      'AK/20261204/us-east-1/s3/aws4_request',
      'host;x-amz-date',
      'abc123',
      ',',
      ', ',
      ',  ',
      ' ',
      '\t',
      '=',
      '\u00a0',
      '\ufeff',
      '\u2003',
      '\n',
      'Extra=1',
    );
    const value = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    const usual = fc
      .tuple(fc.constantFrom(',', ', '), fc.constantFrom(',', ', '), fc.string(), fc.string(), fc.string())
      .map(([a, b, c, h, s]) => `AWS4-HMAC-SHA256 Credential=${c}${a}SignedHeaders=${h}${b}Signature=${s}`);
    fc.assert(
      fc.property(fc.oneof(value, usual), (v) => {
        const fast = splitUsual(v);
        if (fast !== undefined) expect(outcome(() => splitAuthorization(v))).toEqual({ ok: fast });
      }),
      { numRuns: 5000 },
    );
    expect(splitUsual('AWS4-HMAC-SHA256 Credential=A/B, SignedHeaders=host, Signature=ff')).toEqual([
      'A/B',
      'host',
      'ff',
    ]);
    expect(splitUsual('AWS4-HMAC-SHA256 Signature=ff, Credential=A/B, SignedHeaders=host')).toBeUndefined();
  });

  it('gives the names of a repeated SignedHeaders list again, frozen, and still refuses bad lists', () => {
    const fail = () => new TesseraError('AuthorizationHeaderMalformed', 'malformed');
    const a = parseSignedHeaders('host;x-amz-date', fail);
    expect(parseSignedHeaders('host;x-amz-date', fail)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual(['host', 'x-amz-date']);
    for (const bad of ['', 'host;;x', 'Host;x', 'host; x', ';host'])
      expect(() => parseSignedHeaders(bad, fail)).toThrow('malformed');
    expect(parseSignedHeaders('host', fail)).toEqual(['host']);
  });
});
