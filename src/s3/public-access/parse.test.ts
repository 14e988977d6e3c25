import { describe, expect, it } from 'vitest';
import { isTesseraError, parseXml } from '../../core/index.js';
import { deserializePublicAccessBlock, serializePublicAccessBlock } from './model.js';
import { parsePublicAccessBlock } from './parse.js';
import { renderPublicAccessBlock } from './render.js';

const parse = (inner: string) =>
  parsePublicAccessBlock(
    parseXml(
      `<PublicAccessBlockConfiguration>${inner}</PublicAccessBlockConfiguration>`,
      'PublicAccessBlockConfiguration',
    ),
  );

describe('parsePublicAccessBlock', () => {
  it('reads the four settings; absent ones are false', () => {
    expect(
      parse(
        '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets>',
      ),
    ).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
    expect(parse('').BlockPublicAcls).toBe(false);
  });

  it('unknown elements, repeated elements and non-booleans are MalformedXML', () => {
    for (const inner of [
      '<Other>true</Other>',
      '<BlockPublicAcls>true</BlockPublicAcls><BlockPublicAcls>true</BlockPublicAcls>',
      '<BlockPublicAcls>yes</BlockPublicAcls>',
      '<BlockPublicAcls><X/></BlockPublicAcls>',
    ]) {
      let error: unknown;
      try {
        parse(inner);
      } catch (e) {
        error = e;
      }
      expect(isTesseraError(error, 'MalformedXML')).toBe(true);
    }
  });

  it('the stored document is exactly the four booleans; rendering shows all four', () => {
    const block = parse('<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>1</IgnorePublicAcls>');
    const doc = serializePublicAccessBlock(block);
    expect(doc).toBe(
      '{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}',
    );
    expect(deserializePublicAccessBlock(doc)).toEqual(block);
    expect(renderPublicAccessBlock(block)).toContain('<BlockPublicPolicy>false</BlockPublicPolicy>');
  });
});
