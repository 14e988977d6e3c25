import { describe, expect, it } from 'vitest';
import { hasGrantHeaders, parseGrantHeaders } from './grant-headers.js';
import { ALL_USERS } from './model.js';

describe('x-amz-grant-* headers', () => {
  it('reads comma-separated type="value" pairs of every grant header, in header order', () => {
    const grants = parseGrantHeaders({
      'x-amz-grant-read': `uri="${ALL_USERS}", id="abc"`,
      'x-amz-grant-full-control': 'id=def',
      'x-amz-grant-write-acp': 'emailAddress="xyz@amazon.com"',
    });
    expect(grants).toEqual([
      { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' },
      { grantee: { type: 'CanonicalUser', id: 'abc' }, permission: 'READ' },
      { grantee: { type: 'AmazonCustomerByEmail', email: 'xyz@amazon.com' }, permission: 'WRITE_ACP' },
      { grantee: { type: 'CanonicalUser', id: 'def' }, permission: 'FULL_CONTROL' },
    ]);
    expect(hasGrantHeaders({ 'x-amz-grant-read-acp': 'id="a"' })).toBe(true);
    expect(hasGrantHeaders({ 'x-amz-acl': 'private' })).toBe(false);
  });

  it('keeps commas inside quotes and accepts the five headers only', () => {
    const [g] = parseGrantHeaders({ 'x-amz-grant-write': 'emailAddress="a,b@example.com"' });
    expect(g).toEqual({
      grantee: { type: 'AmazonCustomerByEmail', email: 'a,b@example.com' },
      permission: 'WRITE',
    });
  });

  it('refuses malformed pairs, unknown types, unknown group URIs and empty values with InvalidArgument', () => {
    for (const value of [
      'abc',
      'name="x"',
      'id=""',
      'id="a" id="b"',
      'uri="http://example.com/group"',
      ',',
    ]) {
      expect(() => parseGrantHeaders({ 'x-amz-grant-read': value }), value).toThrow(
        expect.objectContaining({ code: 'InvalidArgument' }),
      );
    }
  });

  it('refuses more than 100 grants', () => {
    const many = Array.from({ length: 101 }, (_, i) => `id="u${i}"`).join(',');
    expect(() => parseGrantHeaders({ 'x-amz-grant-read': many })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });
});
