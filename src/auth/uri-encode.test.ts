import { describe, expect, it } from 'vitest';
import { awsUriEncode, canonicalComponent, canonicalPath, decodeQueryComponent } from './uri-encode.js';

describe('AWS URI encoding', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/b/k', '/b/k'],
    ['/b/a b', '/b/a%20b'],
    ['/b/a+b', '/b/a%2Bb'],
    ["/b/!*'()", '/b/%21%2A%27%28%29'],
    ['/b/%21%2a%2B', '/b/%21%2A%2B'],
    ['/b/%7e%41', '/b/~A'],
    ['/b/%2F', '/b/%2F'],
    ['//b/./../x//', '//b/./../x//'],
    ['/é', '/%C3%A9'],
    ['/%E1%88%B4', '/%E1%88%B4'],
    ['/%zz%4', '/%25zz%254'],
    ['/%FF', '/%FF'],
  ])('canonicalPath(%j) = %j', (raw, canonical) => {
    expect(canonicalPath(raw)).toBe(canonical);
  });

  it('treats + as a space in query components only', () => {
    expect(canonicalComponent('a+b', true)).toBe('a%20b');
    expect(canonicalComponent('a+b', false)).toBe('a%2Bb');
    expect(canonicalComponent('a%2Bb', true)).toBe('a%2Bb');
    expect(decodeQueryComponent('a+b%2B%E2%9C%93%zz')).toBe('a b+✓%zz');
  });

  it('encodes decoded strings (including astral characters) as UTF-8', () => {
    expect(awsUriEncode('a/b c😀~')).toBe('a%2Fb%20c%F0%9F%98%80~');
  });
});
