import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './redact.js';

describe('redactUrl / redactText', () => {
  it('masks the password of the user-info part and of a password parameter', () => {
    expect(redactUrl('postgres://tessera:s3cr%40t@db:5432/tessera?sslmode=require')).toBe(
      'postgres://tessera:****@db:5432/tessera?sslmode=require',
    );
    expect(redactUrl('postgres://tessera@db/tessera?password=hunter2')).toBe(
      'postgres://tessera@db/tessera?password=****',
    );
    expect(redactUrl('postgres://db/tessera')).toBe('postgres://db/tessera');
    expect(redactUrl('not a url with secret')).toBe('<the --to URL>');
  });

  it('takes the password, raw and decoded, out of any text', () => {
    const url = 'postgres://tessera:s3cr%40t@db/tessera';
    expect(redactText('auth failed for s3cr@t and s3cr%40t', url)).toBe('auth failed for **** and ****');
    expect(redactText('nothing secret here', 'postgres://db/x')).toBe('nothing secret here');
  });
});
