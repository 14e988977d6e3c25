import { describe, expect, it } from 'vitest';
import { auditFileSettings, auditNodeId, parseSize } from './audit-config.js';

describe('audit settings', () => {
  it('is off without TESSERA_AUDIT_FILE, with defaults when set', () => {
    expect(auditFileSettings({})).toBeUndefined();
    expect(auditFileSettings({ TESSERA_AUDIT_FILE: '/var/log/tessera' })).toEqual({
      path: '/var/log/tessera',
      maxSize: 100 * 1024 * 1024,
      maxAgeMs: 86_400_000,
      queueSize: 10_000,
      checkpointEvery: 1000,
    });
  });

  it('reads sizes, durations and counts, and rejects bad ones', () => {
    expect(
      auditFileSettings({
        TESSERA_AUDIT_FILE: 'a.jsonl',
        TESSERA_AUDIT_FILE_MAX_SIZE: '10MB',
        TESSERA_AUDIT_FILE_MAX_AGE: '1h',
        TESSERA_AUDIT_QUEUE_SIZE: '50',
        TESSERA_AUDIT_CHECKPOINT_EVERY: '7',
      }),
    ).toMatchObject({ maxSize: 10_000_000, maxAgeMs: 3_600_000, queueSize: 50, checkpointEvery: 7 });
    expect(parseSize('X', '1MiB')).toBe(1024 * 1024);
    expect(parseSize('X', '2048')).toBe(2048);
    expect(() => parseSize('X', 'big')).toThrow(/X must be a size/);
    expect(() => parseSize('X', '10')).toThrow(/at least/);
    expect(() => auditFileSettings({ TESSERA_AUDIT_FILE: 'd', TESSERA_AUDIT_QUEUE_SIZE: '0' })).toThrow(
      /QUEUE_SIZE/,
    );
    expect(() => auditFileSettings({ TESSERA_AUDIT_FILE: 'd', TESSERA_AUDIT_FILE_MAX_AGE: '0' })).toThrow(
      /MAX_AGE/,
    );
  });

  it('names the node by host and pid, file-name safe', () => {
    expect(auditNodeId()).toMatch(new RegExp(`^[A-Za-z0-9.-]+-${process.pid}$`));
  });
});
