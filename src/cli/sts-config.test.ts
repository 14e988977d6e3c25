import { describe, expect, it } from 'vitest';
import { stsSettings } from './sts-config.js';

describe('stsSettings', () => {
  it('strict roles: off by default, on with TESSERA_STS_STRICT_ROLES=on, refuses other values', () => {
    expect(stsSettings({}).strictRoles).toBe(false);
    expect(stsSettings({ TESSERA_STS_STRICT_ROLES: 'on' }).strictRoles).toBe(true);
    expect(stsSettings({ TESSERA_STS_STRICT_ROLES: 'off' }).strictRoles).toBe(false);
    expect(() => stsSettings({ TESSERA_STS_STRICT_ROLES: 'maybe' })).toThrow(/TESSERA_STS_STRICT_ROLES/);
  });
});

describe('issuance limits and revocation bounds', () => {
  it('are off by default; the revocation list holds 10,000 sessions', () => {
    const s = stsSettings({});
    expect(s.issuance).toEqual({});
    expect(s.maxRevocations).toBe(10_000);
    expect(s.serviceAccountMaxExpirySeconds).toBeUndefined();
  });

  it('parse rates (fractional too), bursts, caps and the service-account expiry', () => {
    const s = stsSettings({
      TESSERA_STS_RATE_LIMIT: '0.5',
      TESSERA_STS_RATE_BURST: '3',
      TESSERA_STS_MAX_SESSIONS: '100',
      TESSERA_STS_MAX_REVOCATIONS: '50',
      TESSERA_SVCACCT_MAX_EXPIRY: '7d',
    });
    expect(s.issuance).toEqual({ ratePerSecond: 0.5, burst: 3, maxSessions: 100 });
    expect(s.maxRevocations).toBe(50);
    expect(s.serviceAccountMaxExpirySeconds).toBe(7 * 86_400);
  });

  it('refuse values that are not numbers', () => {
    expect(() => stsSettings({ TESSERA_STS_RATE_LIMIT: 'fast' })).toThrow(/TESSERA_STS_RATE_LIMIT/);
    expect(() => stsSettings({ TESSERA_STS_MAX_SESSIONS: '1.5' })).toThrow(/TESSERA_STS_MAX_SESSIONS/);
    expect(() => stsSettings({ TESSERA_STS_MAX_REVOCATIONS: '0' })).toThrow(/TESSERA_STS_MAX_REVOCATIONS/);
    expect(() => stsSettings({ TESSERA_SVCACCT_MAX_EXPIRY: 'soon' })).toThrow(/TESSERA_SVCACCT_MAX_EXPIRY/);
  });
});
