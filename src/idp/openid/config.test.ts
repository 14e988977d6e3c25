import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHMS, parseOpenIdConfig, roleArnFor } from './config.js';

const URL_A = 'https://idp.example.com/realms/a/.well-known/openid-configuration';
const URL_B = 'https://login.example.org/.well-known/openid-configuration';

describe('parseOpenIdConfig', () => {
  it('nothing configured: no provider', () => {
    expect(parseOpenIdConfig({})).toEqual([]);
    expect(parseOpenIdConfig({ MINIO_IDENTITY_OPENID_CONFIG_URL: '' })).toEqual([]);
  });

  it("MinIO's names with defaults", () => {
    const [p, ...rest] = parseOpenIdConfig({
      MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
      MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera',
      MINIO_IDENTITY_OPENID_CLIENT_SECRET: 's3cret',
      MINIO_IDENTITY_OPENID_SCOPES: 'openid, email,profile',
      MINIO_IDENTITY_OPENID_DISPLAY_NAME: 'SSO',
      MINIO_IDENTITY_OPENID_REDIRECT_URI_DYNAMIC: 'on',
      MINIO_IDENTITY_OPENID_VENDOR: 'keycloak',
    });
    expect(rest).toEqual([]);
    expect(p).toEqual({
      name: 'default',
      configUrl: URL_A,
      clientId: 'tessera',
      clientSecret: 's3cret',
      claimName: 'policy',
      claimPrefix: '',
      rolePolicy: [],
      scopes: ['openid', 'email', 'profile'],
      claimUserinfo: false,
      displayName: 'SSO',
      groupsClaim: 'groups',
      leewaySeconds: 60,
      algorithms: DEFAULT_ALGORITHMS,
    });
  });

  it('several providers by suffix; Tessera names win over MinIO names', () => {
    const ps = parseOpenIdConfig({
      MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
      MINIO_IDENTITY_OPENID_CLIENT_ID: 'minio-id',
      TESSERA_IDENTITY_OPENID_CLIENT_ID: 'tessera-id',
      MINIO_IDENTITY_OPENID_CONFIG_URL_KEYCLOAK: URL_B,
      MINIO_IDENTITY_OPENID_CLIENT_ID_KEYCLOAK: 'kc',
      MINIO_IDENTITY_OPENID_CLAIM_NAME_KEYCLOAK: 'roles',
      MINIO_IDENTITY_OPENID_CLAIM_PREFIX_KEYCLOAK: 'kc-',
      TESSERA_IDENTITY_OPENID_GROUPS_CLAIM_KEYCLOAK: 'teams',
      TESSERA_IDENTITY_OPENID_LEEWAY_KEYCLOAK: '5',
      TESSERA_IDENTITY_OPENID_ALGORITHMS_KEYCLOAK: 'ES256,EdDSA',
      TESSERA_IDENTITY_OPENID_CONFIG_URL_GITHUB: 'https://token.actions.githubusercontent.com',
      TESSERA_IDENTITY_OPENID_CLIENT_ID_GITHUB: 'tessera',
      TESSERA_IDENTITY_OPENID_ROLE_POLICY_GITHUB: 'readwrite, diagnostics',
      UNRELATED: 'x',
    });
    expect(ps.map((p) => p.name)).toEqual(['default', 'github', 'keycloak']);
    expect(ps[0]!.clientId).toBe('tessera-id');
    expect(ps[1]).toMatchObject({
      rolePolicy: ['readwrite', 'diagnostics'],
      roleArn: roleArnFor('tessera'),
      claimName: 'policy',
    });
    expect(ps[2]).toMatchObject({
      clientId: 'kc',
      claimName: 'roles',
      claimPrefix: 'kc-',
      groupsClaim: 'teams',
      leewaySeconds: 5,
      algorithms: ['ES256', 'EdDSA'],
    });
  });

  it("the role ARN is MinIO's: base64url(sha1(client id))", () => {
    expect(roleArnFor('tessera')).toMatch(/^arn:minio:iam:::role\/[A-Za-z0-9_-]{27}$/);
    expect(roleArnFor('tessera')).toBe(roleArnFor('tessera'));
    expect(roleArnFor('a')).not.toBe(roleArnFor('b'));
  });

  it('ENABLE=off turns a provider off', () => {
    expect(
      parseOpenIdConfig({
        MINIO_IDENTITY_OPENID_CONFIG_URL_X: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID_X: 'x',
        MINIO_IDENTITY_OPENID_ENABLE_X: 'off',
      }),
    ).toEqual([]);
  });

  it.each([
    [{ MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A }, /MINIO_IDENTITY_OPENID_CONFIG_URL.*CLIENT_ID/],
    [{ MINIO_IDENTITY_OPENID_CLIENT_ID_X: 'x' }, /MINIO_IDENTITY_OPENID_CLIENT_ID_X.*CONFIG_URL/],
    [{ MINIO_IDENTITY_OPENID_CONFIG_URL: 'ftp://x/', MINIO_IDENTITY_OPENID_CLIENT_ID: 'x' }, /CONFIG_URL/],
    [{ MINIO_IDENTITY_OPENID_CONFIG_URL: 'not a url', MINIO_IDENTITY_OPENID_CLIENT_ID: 'x' }, /CONFIG_URL/],
    [{ TESSERA_IDENTITY_OPENID_CLAIMNAME: 'x' }, /TESSERA_IDENTITY_OPENID_CLAIMNAME is not/],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'x',
        TESSERA_IDENTITY_OPENID_LEEWAY: '-1',
      },
      /TESSERA_IDENTITY_OPENID_LEEWAY/,
    ],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'x',
        TESSERA_IDENTITY_OPENID_LEEWAY: '1h',
      },
      /TESSERA_IDENTITY_OPENID_LEEWAY/,
    ],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'x',
        TESSERA_IDENTITY_OPENID_ALGORITHMS: 'RS256,HS256',
      },
      /TESSERA_IDENTITY_OPENID_ALGORITHMS.*HS256/,
    ],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'x',
        TESSERA_IDENTITY_OPENID_ALGORITHMS: 'none',
      },
      /ALGORITHMS.*none/,
    ],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'x',
        MINIO_IDENTITY_OPENID_CLAIM_NAME: 'groups',
        MINIO_IDENTITY_OPENID_ROLE_POLICY: 'readonly',
      },
      /MINIO_IDENTITY_OPENID_CLAIM_NAME.*ROLE_POLICY/,
    ],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'x',
        MINIO_IDENTITY_OPENID_CLAIM_USERINFO: 'maybe',
      },
      /MINIO_IDENTITY_OPENID_CLAIM_USERINFO/,
    ],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL_A: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID_A: 'same',
        MINIO_IDENTITY_OPENID_ROLE_POLICY_A: 'readonly',
        MINIO_IDENTITY_OPENID_CONFIG_URL_B: URL_B,
        MINIO_IDENTITY_OPENID_CLIENT_ID_B: 'same',
        MINIO_IDENTITY_OPENID_ROLE_POLICY_B: 'readonly',
      },
      /same CLIENT_ID/,
    ],
    [
      {
        MINIO_IDENTITY_OPENID_CONFIG_URL: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'same',
        MINIO_IDENTITY_OPENID_CONFIG_URL_B: URL_A,
        MINIO_IDENTITY_OPENID_CLIENT_ID_B: 'same',
      },
      /default and b have the same CONFIG_URL and CLIENT_ID/,
    ],
    [{ MINIO_IDENTITY_OPENID_CONFIG_URL_: URL_A }, /empty provider name/],
    [{ 'MINIO_IDENTITY_OPENID_CONFIG_URL_A-B': URL_A }, /provider name/],
  ] as [Record<string, string>, RegExp][])('refuses %j', (env, message) => {
    expect(() => parseOpenIdConfig(env)).toThrow(message);
  });
});
