import { describe, expect, it } from 'vitest';
import { parseCertificateIdentityConfig, parsePolicyMap } from './config.js';

describe('certificate identity settings', () => {
  it('MinIO’s variables and Tessera’s', () => {
    expect(parseCertificateIdentityConfig({})).toEqual({ enabled: false, skipVerify: false });
    expect(
      parseCertificateIdentityConfig({
        MINIO_IDENTITY_TLS_ENABLE: 'on',
        MINIO_IDENTITY_TLS_SKIP_VERIFY: 'on',
      }),
    ).toEqual({
      enabled: true,
      skipVerify: true,
    });
    expect(
      parseCertificateIdentityConfig({ TESSERA_IDENTITY_TLS_ENABLE: 'off', MINIO_IDENTITY_TLS_ENABLE: 'on' })
        .enabled,
    ).toBe(false);
    expect(() => parseCertificateIdentityConfig({ TESSERA_IDENTITY_TLS_ENABLE: 'maybe' })).toThrow(
      /TESSERA_IDENTITY_TLS_ENABLE must be on or off/,
    );
  });

  it('the CN → policies map', () => {
    const m = parsePolicyMap('X', 'app1=readwrite; auditor = readonly, diagnostics ;');
    expect([...m]).toEqual([
      ['app1', ['readwrite']],
      ['auditor', ['readonly', 'diagnostics']],
    ]);
    expect(() => parsePolicyMap('X', 'app1')).toThrow(/X: "app1" is not CN=policy/);
    expect(() => parsePolicyMap('X', 'app1=')).toThrow(/not CN=policy/);
  });
});
