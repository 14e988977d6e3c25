import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEnvFile, parseEnvFile } from './env-file.js';

describe('environment files', () => {
  it('reads NAME=value lines, export, comments, quotes', () => {
    const text = [
      '# LDAP',
      'export TESSERA_IDENTITY_LDAP_SERVER_ADDR=ldaps://ldap.example.org',
      '',
      'MINIO_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD="p#ss \\"word\\""',
      "TESSERA_IDENTITY_LDAP_USER_DN_SEARCH_FILTER='(&(uid=%s)(objectClass=person))'",
      'TESSERA_REGION = eu-west-1 ',
      'EMPTY=',
    ].join('\r\n');
    expect(parseEnvFile(text, 'f')).toEqual({
      TESSERA_IDENTITY_LDAP_SERVER_ADDR: 'ldaps://ldap.example.org',
      MINIO_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: 'p#ss "word"',
      TESSERA_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: '(&(uid=%s)(objectClass=person))',
      TESSERA_REGION: 'eu-west-1',
      EMPTY: '',
    });
  });

  it('names the file and line of a bad line, never its value', () => {
    expect(() => parseEnvFile('A=1\nsecret-password\n', '/etc/t.env')).toThrow(
      '/etc/t.env:2: expected NAME=value',
    );
    expect(() => parseEnvFile('PASSWORD="hunter2', 'f')).toThrow(/f:1: an unterminated quoted value$/);
    expect(() => parseEnvFile('BAD-NAME=hunter2', 'f')).toThrow(/f:1: the name must be/);
    for (const bad of ['=x', 'BAD-NAME=hunter2', 'PASSWORD="hunter2'])
      expect(() => parseEnvFile(bad, 'f')).not.toThrow(/hunter2/);
  });

  it('never crashes on arbitrary text: parses or throws an Error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        try {
          const parsed = parseEnvFile(text, 'f');
          for (const k of Object.keys(parsed)) expect(k).toMatch(/^[A-Za-z_]\w*$/);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message).toMatch(/^f:\d+: /);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('applies the named file under the environment: what is set already wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-env-'));
    try {
      const file = join(dir, 'tessera.env');
      writeFileSync(file, 'TESSERA_REGION=eu-west-1\nTESSERA_DOMAIN=s3.example.org\n');
      const env: Record<string, string | undefined> = {
        MINIO_CONFIG_ENV_FILE: file,
        TESSERA_REGION: 'us-west-2',
      };
      applyEnvFile(env);
      expect(env['TESSERA_REGION']).toBe('us-west-2');
      expect(env['TESSERA_DOMAIN']).toBe('s3.example.org');
      expect(() => applyEnvFile({ TESSERA_CONFIG_ENV_FILE: join(dir, 'missing.env') })).toThrow(
        /^TESSERA_CONFIG_ENV_FILE: cannot read .*missing\.env/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
