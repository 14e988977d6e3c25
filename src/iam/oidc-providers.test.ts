import { describe, expect, it } from 'vitest';
import { isKnownKey } from '../policy/index.js';
import { normalizeProviderUrl } from './oidc-providers.js';

function code(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('IAM OIDC provider URLs', () => {
  it('normalizes to the host (lower case, port kept) and path, without https:// or a trailing slash', () => {
    expect(normalizeProviderUrl('https://Token.Actions.GitHubUserContent.com')).toBe(
      'token.actions.githubusercontent.com',
    );
    expect(normalizeProviderUrl('HTTPS://idp.example.com/realms/Dev/')).toBe('idp.example.com/realms/Dev');
    expect(normalizeProviderUrl('https://127.0.0.1:8443')).toBe('127.0.0.1:8443');
  });

  it('refuses what is not https://<host>[/<path>]', () => {
    for (const bad of [
      'http://a.example.com',
      'a.example.com',
      'https://a.example.com/?x=1',
      'https://a.example.com/#f',
      'https://user@a.example.com',
      'https://',
    ]) {
      expect(
        code(() => normalizeProviderUrl(bad)),
        bad,
      ).toBe('InvalidInput');
    }
    expect(code(() => normalizeProviderUrl(''))).toBe('ValidationError');
    expect(code(() => normalizeProviderUrl(`https://a.example.com/${'x'.repeat(260)}`))).toBe(
      'ValidationError',
    );
  });

  it('its condition keys are known to the policy language', () => {
    for (const k of [
      'token.actions.githubusercontent.com:sub',
      'idp.example.com/realms/dev:aud',
      '127.0.0.1:8443:amr',
      'accounts.google.com:azp',
      'accounts.google.com:oaud',
    ]) {
      expect(isKnownKey(k), k).toBe(true);
    }
    expect(isKnownKey('idp.example.com:email')).toBe(false);
  });
});
