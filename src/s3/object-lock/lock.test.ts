import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../core/index.js';
import {
  parseLegalHoldDocument,
  parseLockConfiguration,
  parseRetentionDocument,
  parseStoredRule,
  serializeRule,
} from './documents.js';
import {
  defaultRetainUntil,
  legalHoldUpdate,
  lockContext,
  lockHeaderContext,
  lockResponseHeaders,
  newVersionLock,
  parseLockHeaders,
  type Retention,
  remainingRetentionDays,
  retentionUpdate,
} from './lock.js';
import { isProtected, removalGuard } from './removal.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const later = (days: number) => NOW + days * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

/** The code and message an expression fails with. */
function failure(f: () => unknown): { code: string; message: string; detail?: unknown } | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isTesseraError(e)) throw e;
    return { code: e.code, message: e.message, detail: e.detail };
  }
}

describe('x-amz-object-lock-* headers', () => {
  it('reads mode, date and legal hold', () => {
    expect(
      parseLockHeaders(
        {
          'x-amz-object-lock-mode': 'GOVERNANCE',
          'x-amz-object-lock-retain-until-date': iso(later(2)),
          'x-amz-object-lock-legal-hold': 'ON',
        },
        NOW,
      ),
    ).toEqual({ retention: { mode: 'GOVERNANCE', retainUntil: later(2) }, legalHold: true });
    expect(parseLockHeaders({}, NOW)).toBeUndefined();
    expect(parseLockHeaders({ 'x-amz-object-lock-legal-hold': 'OFF' }, NOW)).toEqual({ legalHold: false });
  });

  it('refuses what AWS refuses, with its messages', () => {
    const date = iso(later(1));
    expect(failure(() => parseLockHeaders({ 'x-amz-object-lock-mode': 'GOVERNANCE' }, NOW))).toMatchObject({
      code: 'InvalidArgument',
      message: 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied.',
    });
    expect(
      failure(() => parseLockHeaders({ 'x-amz-object-lock-retain-until-date': date }, NOW)),
    ).toMatchObject({ code: 'InvalidArgument' });
    expect(
      failure(() =>
        parseLockHeaders(
          { 'x-amz-object-lock-mode': 'governance', 'x-amz-object-lock-retain-until-date': date },
          NOW,
        ),
      ),
    ).toMatchObject({ code: 'InvalidArgument', message: 'Unknown wormMode directive.' });
    expect(
      failure(() =>
        parseLockHeaders(
          { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': 'tomorrow' },
          NOW,
        ),
      ),
    ).toMatchObject({ message: 'The retain until date must be provided in ISO 8601 format' });
    expect(
      failure(() =>
        parseLockHeaders(
          { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': iso(NOW - 1) },
          NOW,
        ),
      ),
    ).toMatchObject({ message: 'The retain until date must be in the future!' });
    expect(failure(() => parseLockHeaders({ 'x-amz-object-lock-legal-hold': 'on' }, NOW))).toMatchObject({
      message: "Legal Hold must be either of 'ON' or 'OFF'",
    });
  });

  it('supplies the condition keys it can read', () => {
    expect(
      lockHeaderContext(
        {
          'x-amz-object-lock-mode': 'COMPLIANCE',
          'x-amz-object-lock-retain-until-date': '2026-06-11T12:00:00Z',
          'x-amz-object-lock-legal-hold': 'ON',
        },
        NOW,
      ),
    ).toEqual({
      's3:object-lock-mode': 'COMPLIANCE',
      's3:object-lock-retain-until-date': '2026-06-11T12:00:00.000Z',
      's3:object-lock-remaining-retention-days': '10',
      's3:object-lock-legal-hold': 'ON',
    });
    expect(lockHeaderContext({ 'x-amz-object-lock-retain-until-date': 'nonsense' }, NOW)).toEqual({});
  });
});

describe('the lock of a new version', () => {
  it('takes the request retention, else the default retention from now', () => {
    const requested = { retention: { mode: 'COMPLIANCE' as const, retainUntil: later(3) } };
    expect(newVersionLock(requested, { mode: 'GOVERNANCE', days: 1 }, NOW)).toEqual({
      mode: 'COMPLIANCE',
      retainUntil: later(3),
    });
    expect(newVersionLock({ legalHold: true }, { mode: 'GOVERNANCE', days: 5 }, NOW)).toEqual({
      mode: 'GOVERNANCE',
      retainUntil: later(5),
      legalHold: true,
    });
    expect(newVersionLock(undefined, undefined, NOW)).toBeUndefined();
    // OFF asked for is kept as a state (GetObjectLegalHold answers OFF, not "no configuration").
    expect(newVersionLock({ legalHold: false }, undefined, NOW)).toEqual({ legalHold: false });
  });

  it('counts Years as calendar years', () => {
    expect(defaultRetainUntil({ mode: 'GOVERNANCE', years: 2 }, NOW)).toBe(
      Date.parse('2028-06-01T12:00:00.000Z'),
    );
  });
});

describe('changing a retention', () => {
  const governance = { mode: 'GOVERNANCE' as const, retainUntil: later(10) };
  const compliance = { mode: 'COMPLIANCE' as const, retainUntil: later(10) };
  const apply = (current: object, next: Retention | undefined, bypass: boolean) =>
    failure(() => retentionUpdate(next, NOW, bypass)(current))?.message ??
    retentionUpdate(next, NOW, bypass)(current);
  const locked = 'Access Denied because object protected by object lock.';

  it('extends either mode without a bypass', () => {
    expect(apply(governance, { ...governance, retainUntil: later(20) }, false)).toEqual({
      mode: 'GOVERNANCE',
      retainUntil: later(20),
    });
    expect(apply(compliance, { ...compliance, retainUntil: later(20) }, false)).toMatchObject({
      mode: 'COMPLIANCE',
    });
  });

  it('shortens, removes or changes GOVERNANCE only with a bypass', () => {
    const shorter = { ...governance, retainUntil: later(1) };
    expect(apply(governance, shorter, false)).toBe(locked);
    expect(apply(governance, undefined, false)).toBe(locked);
    expect(apply(governance, { ...compliance, retainUntil: later(20) }, false)).toBe(locked);
    expect(apply(governance, shorter, true)).toEqual(shorter);
    expect(apply({ ...governance, legalHold: true }, undefined, true)).toEqual({ legalHold: true });
  });

  it('never shortens, removes or changes COMPLIANCE, bypass or not', () => {
    for (const bypass of [false, true]) {
      expect(apply(compliance, { ...compliance, retainUntil: later(1) }, bypass)).toBe(locked);
      expect(apply(compliance, undefined, bypass)).toBe(locked);
      expect(apply(compliance, { ...governance, retainUntil: later(30) }, bypass)).toBe(locked);
    }
  });

  it('a retention that has run out no longer holds', () => {
    const expired = { mode: 'COMPLIANCE' as const, retainUntil: NOW - 1 };
    expect(apply(expired, undefined, false)).toEqual({});
    expect(apply({}, governance, false)).toEqual(governance);
  });

  it('a legal hold is set and cleared on its own', () => {
    expect(legalHoldUpdate(true)(governance)).toEqual({ ...governance, legalHold: true });
    expect(legalHoldUpdate(false)({ ...governance, legalHold: true })).toEqual({
      ...governance,
      legalHold: false,
    });
  });
});

describe('removal', () => {
  it('a legal hold or unexpired retention protects; GOVERNANCE yields to a bypass', () => {
    expect(isProtected({ legalHold: true }, NOW, true)).toBe(true);
    expect(isProtected({ mode: 'GOVERNANCE', retainUntil: later(1) }, NOW, false)).toBe(true);
    expect(isProtected({ mode: 'GOVERNANCE', retainUntil: later(1) }, NOW, true)).toBe(false);
    expect(isProtected({ mode: 'COMPLIANCE', retainUntil: later(1) }, NOW, true)).toBe(true);
    expect(isProtected({ mode: 'COMPLIANCE', retainUntil: NOW }, NOW, false)).toBe(false);
    expect(failure(() => removalGuard(NOW, false)({ legalHold: true }))).toMatchObject({
      code: 'AccessDenied',
    });
  });
});

describe('documents', () => {
  it('ObjectLockConfiguration: Enabled, Mode and Days xor Years', () => {
    expect(parseLockConfiguration({ ObjectLockEnabled: 'Enabled' })).toEqual({});
    expect(
      parseLockConfiguration({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: '1' } },
      }),
    ).toEqual({ rule: { mode: 'COMPLIANCE', years: 1 } });
    const bad = [
      {},
      { ObjectLockEnabled: 'Disabled' },
      { ObjectLockEnabled: 'Enabled', Rule: '' },
      { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE' } } },
      { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'X', Days: '1' } } },
      {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: '1', Years: '1' } },
      },
    ];
    for (const doc of bad)
      expect(failure(() => parseLockConfiguration(doc))?.code, JSON.stringify(doc)).toBe('MalformedXML');
    expect(
      failure(() =>
        parseLockConfiguration({
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: '0' } },
        }),
      ),
    ).toMatchObject({
      code: 'InvalidArgument',
      message: 'Default retention period must be a positive integer value.',
    });
  });

  it('a stored rule reads back', () => {
    expect(parseStoredRule(serializeRule({ mode: 'GOVERNANCE', days: 3 }))).toEqual({
      mode: 'GOVERNANCE',
      days: 3,
    });
    expect(parseStoredRule('not json')).toBeUndefined();
    expect(parseStoredRule(undefined)).toBeUndefined();
  });

  it('Retention and LegalHold', () => {
    expect(parseRetentionDocument({ Mode: 'GOVERNANCE', RetainUntilDate: iso(later(1)) }, NOW)).toEqual({
      mode: 'GOVERNANCE',
      retainUntil: later(1),
    });
    expect(parseRetentionDocument({}, NOW)).toBeUndefined();
    expect(failure(() => parseRetentionDocument({ Mode: 'GOVERNANCE' }, NOW))?.code).toBe('MalformedXML');
    expect(
      failure(() => parseRetentionDocument({ Mode: 'GOVERNANCE', RetainUntilDate: iso(NOW - DAY) }, NOW)),
    ).toMatchObject({ code: 'InvalidArgument', message: 'The retain until date must be in the future!' });
    expect(parseLegalHoldDocument({ Status: 'ON' })).toBe(true);
    expect(parseLegalHoldDocument({ Status: 'OFF' })).toBe(false);
    expect(failure(() => parseLegalHoldDocument({ Status: 'on' }))?.code).toBe('MalformedXML');
  });
});

describe('what callers see', () => {
  it('condition keys and response headers', () => {
    const retention = { mode: 'GOVERNANCE' as const, retainUntil: later(1) + 1 };
    expect(lockContext({ retention, legalHold: false }, NOW)).toEqual({
      's3:object-lock-mode': 'GOVERNANCE',
      's3:object-lock-retain-until-date': iso(retention.retainUntil),
      's3:object-lock-remaining-retention-days': '2',
      's3:object-lock-legal-hold': 'OFF',
    });
    expect(remainingRetentionDays(NOW - DAY, NOW)).toBe(0);
    const lock = { ...retention, legalHold: true };
    expect(lockResponseHeaders(lock, { retention: true, legalHold: true })).toEqual({
      'x-amz-object-lock-mode': 'GOVERNANCE',
      'x-amz-object-lock-retain-until-date': iso(retention.retainUntil),
      'x-amz-object-lock-legal-hold': 'ON',
    });
    expect(lockResponseHeaders(lock, { retention: false, legalHold: false })).toEqual({});
  });
});
