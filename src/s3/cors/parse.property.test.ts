import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, parseXml, TesseraError } from '../../core/index.js';
import { CORS_METHODS, type CorsRule } from './model.js';
import { parseCors } from './parse.js';
import { renderCors } from './render.js';

const parse = (xml: string) => parseCors(parseXml(xml, 'CORSConfiguration'));

/** Values without a second wildcard (and none in ExposeHeader), as PutBucketCors accepts them. */
const value = fc
  .string({ maxLength: 16 })
  .map((s) =>
    s.replace(/\*/g, '').replace(/[\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g, ''),
  );
const pattern = fc.tuple(value, fc.boolean()).map(([v, star]) => (star ? `${v}*` : v));

const rule: fc.Arbitrary<CorsRule> = fc
  .record({
    id: fc.option(value, { nil: undefined }),
    allowedOrigins: fc.array(pattern, { minLength: 1, maxLength: 3 }),
    allowedMethods: fc.array(fc.constantFrom(...CORS_METHODS), { minLength: 1, maxLength: 3 }),
    allowedHeaders: fc.array(pattern, { maxLength: 3 }),
    exposeHeaders: fc.array(value, { maxLength: 3 }),
    maxAgeSeconds: fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { nil: undefined }),
  })
  .map((r) => {
    const { id, maxAgeSeconds, ...rest } = r;
    return {
      ...(id === undefined ? {} : { id }),
      ...rest,
      ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
    };
  });

/** Pieces a hostile or broken CORS document is made of. */
const piece = fc.oneof(
  fc.constantFrom(
    '<CORSRule>',
    '</CORSRule>',
    '<AllowedOrigin>',
    '</AllowedOrigin>',
    '<AllowedMethod>',
    '</AllowedMethod>',
    '<AllowedHeader>',
    '</AllowedHeader>',
    '<ExposeHeader>',
    '</ExposeHeader>',
    '<MaxAgeSeconds>',
    '</MaxAgeSeconds>',
    '<ID>',
    '</ID>',
    '<ID/>',
    'GET',
    'PATCH',
    '*',
    '**',
    '-1',
    '2147483648',
    '&amp;',
    '&#0;',
    '&bogus;',
    '<![CDATA[x]]>',
    '<!-- c -->',
    '<!DOCTYPE x>',
  ),
  fc.string({ maxLength: 6 }),
);

describe('parseCors (property)', () => {
  it('reads back what renderCors writes', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 5 }), (rules) => {
        expect(parse(renderCors({ rules }))).toEqual({ rules });
      }),
      { numRuns: 200, interruptAfterTimeLimit: 4000 },
    );
  });

  it('throws nothing but a TesseraError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.boolean(), (pieces, wrap) => {
        const body = pieces.join('');
        const xml = wrap ? `<CORSConfiguration>${body}</CORSConfiguration>` : body;
        try {
          parse(xml);
        } catch (e) {
          expect(e).toBeInstanceOf(TesseraError);
          expect(['MalformedXML', 'InvalidRequest']).toContain((e as TesseraError).code);
        }
      }),
      { numRuns: 2000, interruptAfterTimeLimit: 5000 },
    );
  });

  it('escaped values survive', () => {
    fc.assert(
      fc.property(value, (v) => {
        const xml = `<CORSConfiguration><CORSRule><AllowedOrigin>${escapeXml(v)}</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`;
        expect(parse(xml).rules[0]!.allowedOrigins).toEqual([v]);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 2000 },
    );
  });
});
