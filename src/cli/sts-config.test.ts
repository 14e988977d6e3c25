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
