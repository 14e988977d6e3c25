import { describe, expect, it } from 'vitest';
import { pluginClients, pluginSettings } from './plugin-config.js';

describe('pluginSettings', () => {
  it('is off without a URL', () => {
    expect(pluginSettings({})).toEqual({});
  });

  it("reads MinIO's identity plugin variables, TESSERA_ names first", () => {
    const s = pluginSettings({
      MINIO_IDENTITY_PLUGIN_URL: 'http://minio-name/',
      TESSERA_IDENTITY_PLUGIN_URL: 'https://auth.example.net/verify?x=1',
      MINIO_IDENTITY_PLUGIN_TOKEN: 'Bearer t',
      MINIO_IDENTITY_PLUGIN_ROLE_POLICY: ' readonly , writer,',
      MINIO_IDENTITY_PLUGIN_ROLE_ID: 'corp_1',
      MINIO_IDENTITY_PLUGIN_COMMENT: 'ignored',
    });
    expect(s.identity).toEqual({
      url: 'https://auth.example.net/verify?x=1',
      authToken: 'Bearer t',
      rolePolicy: ['readonly', 'writer'],
      roleId: 'corp_1',
      timeoutMs: 5000,
    });
    expect(pluginClients(s).identity?.roleArn).toBe('arn:minio:iam:::role/idmp-corp_1');
    // Without a role id: the base64url SHA-1 of the URL, as MinIO.
    const plain = pluginClients(
      pluginSettings({ MINIO_IDENTITY_PLUGIN_URL: 'http://a/', MINIO_IDENTITY_PLUGIN_ROLE_POLICY: 'p' }),
    );
    expect(plain.identity?.roleArn).toMatch(/^arn:minio:iam:::role\/idmp-[A-Za-z0-9_-]{27}$/);
    expect(
      pluginSettings({ MINIO_IDENTITY_PLUGIN_URL: 'http://a/', MINIO_IDENTITY_PLUGIN_ENABLE: 'off' }),
    ).toEqual({});
  });

  it('refuses an identity plugin without role policy, a bad role id or URL, naming the setting', () => {
    expect(() => pluginSettings({ MINIO_IDENTITY_PLUGIN_URL: 'http://a/' })).toThrow(/ROLE_POLICY/);
    expect(() =>
      pluginSettings({
        MINIO_IDENTITY_PLUGIN_URL: 'http://a/',
        MINIO_IDENTITY_PLUGIN_ROLE_POLICY: 'p',
        MINIO_IDENTITY_PLUGIN_ROLE_ID: 'a b',
      }),
    ).toThrow(/ROLE_ID/);
    for (const url of ['ftp://a/', 'not a url', 'http://user:pw@a/'])
      expect(() =>
        pluginSettings({ MINIO_IDENTITY_PLUGIN_URL: url, MINIO_IDENTITY_PLUGIN_ROLE_POLICY: 'p' }),
      ).toThrow(/TESSERA_IDENTITY_PLUGIN_URL/);
    expect(() =>
      pluginSettings({
        MINIO_IDENTITY_PLUGIN_URL: 'http://a/',
        MINIO_IDENTITY_PLUGIN_ROLE_POLICY: 'p',
        TESSERA_IDENTITY_PLUGIN_TIMEOUT: '0',
      }),
    ).toThrow(/TIMEOUT/);
  });

  it('reads the access management plugin, the legacy OPA names too', () => {
    expect(
      pluginSettings({
        MINIO_POLICY_OPA_URL: 'http://opa:8181/v1/data/x',
        MINIO_POLICY_OPA_AUTH_TOKEN: 'Bearer o',
      }).policy,
    ).toEqual({
      url: 'http://opa:8181/v1/data/x',
      authToken: 'Bearer o',
      timeoutMs: 2000,
      cacheTtlMs: 1000,
      cacheEntries: 10_000,
      builtinFirst: false,
    });
    const s = pluginSettings({
      MINIO_POLICY_OPA_URL: 'http://old/',
      MINIO_POLICY_PLUGIN_URL: 'http://new/',
      TESSERA_POLICY_PLUGIN_TIMEOUT: '300ms',
      TESSERA_POLICY_PLUGIN_CACHE_TTL: '0',
      TESSERA_POLICY_PLUGIN_CACHE_SIZE: '5',
      TESSERA_POLICY_PLUGIN_BUILTIN_FIRST: 'on',
    }).policy;
    expect(s).toMatchObject({
      url: 'http://new/',
      timeoutMs: 300,
      cacheTtlMs: 0,
      cacheEntries: 5,
      builtinFirst: true,
    });
    expect(() =>
      pluginSettings({ MINIO_POLICY_PLUGIN_URL: 'http://a/', TESSERA_POLICY_PLUGIN_CACHE_SIZE: '0' }),
    ).toThrow(/CACHE_SIZE/);
    expect(() =>
      pluginSettings({ MINIO_POLICY_PLUGIN_URL: 'http://a/', TESSERA_POLICY_PLUGIN_BUILTIN_FIRST: 'maybe' }),
    ).toThrow(/BUILTIN_FIRST/);
  });
});
