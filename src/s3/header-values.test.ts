import { describe, expect, it } from 'vitest';
import type { ObjectRecord } from '../storage/index.js';
import { assertOverrideValue, isHeaderValue } from './header-values.js';
import { objectResponseHeaders } from './object-headers.js';

describe('header values', () => {
  it('accepts what node:http sends: tab, visible ASCII, 0x80-0xFF', () => {
    expect(isHeaderValue('attachment; filename="a b.txt"\t')).toBe(true);
    expect(isHeaderValue('caf\u00e9 \u00ff')).toBe(true);
    for (const bad of ['a\nb', 'a\rb', '\u0000', '\u007f', '\u20ac', '微'])
      expect(isHeaderValue(bad)).toBe(false);
  });

  it('a bad response-* override is InvalidArgument naming the parameter', () => {
    const err = (() => {
      try {
        assertOverrideValue('response-content-type', 'text/\u20ac');
      } catch (e) {
        return e as { code: string; message: string; detail: Record<string, string> };
      }
      return undefined;
    })();
    expect(err).toMatchObject({
      code: 'InvalidArgument',
      message: 'Header value cannot be represented using ISO-8859-1.',
      detail: { ArgumentName: 'response-content-type', ArgumentValue: 'text/\u20ac' },
    });
    // A NUL cannot be echoed into the XML error document.
    expect(() => assertOverrideValue('response-expires', 'a\u0000')).toThrow('not allowed in HTTP headers');
  });

  it('stored values that are not header values are left out of GET/HEAD, never a 500', () => {
    const obj: ObjectRecord = {
      bucket: 'b',
      key: 'k',
      size: 0,
      etag: 'e',
      lastModified: 0,
      contentType: 'text/\u20ac',
      headers: { 'content-disposition': 'a\nb', 'cache-control': 'max-age=1' },
      userMetadata: { good: 'caf\u00e9', bad: 'x\u0000', 'bad name': 'v' },
      tags: [],
      data: { kind: 'inline', bytes: Buffer.alloc(0) },
    };
    const h = objectResponseHeaders(obj);
    expect(h['content-type']).toBe('binary/octet-stream');
    expect(h['content-disposition']).toBeUndefined();
    expect(h['cache-control']).toBe('max-age=1');
    expect(h['x-amz-meta-good']).toBe('caf\u00e9');
    expect(h['x-amz-meta-bad']).toBeUndefined();
    expect(h['x-amz-meta-bad name']).toBeUndefined();
  });
});
