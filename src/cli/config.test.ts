import { describe, expect, it } from 'vitest';
import { DebugNote } from '../http/index.js';
import { loadServerConfig, parseDuration } from './config.js';
import { createLog } from './log.js';

describe('parseDuration', () => {
  it("reads MinIO's (Go's) notation and plain seconds", () => {
    expect(parseDuration('X', '30s')).toBe(30_000);
    expect(parseDuration('X', '500ms')).toBe(500);
    expect(parseDuration('X', '1m30s')).toBe(90_000);
    expect(parseDuration('X', '2h')).toBe(7_200_000);
    expect(parseDuration('X', '1.5')).toBe(1_500);
    expect(parseDuration('X', '0')).toBe(0);
  });

  it('refuses anything else, naming the setting', () => {
    for (const bad of ['', 'soon', '-1s', '10 s', '5d', '1e3'])
      expect(() => parseDuration('X', bad)).toThrow(/X/);
    expect(() => parseDuration('X', '999h')).toThrow(/too long/);
  });
});

describe('timeouts and log level in the server configuration', () => {
  it('defaults: 30 s for headers and idle connections, 60 s without progress, log level info', () => {
    const c = loadServerConfig({}, {});
    expect(c.timeouts).toEqual({ readHeaderMs: 30_000, idleMs: 30_000, stallMs: 60_000 });
    expect(c.logLevel).toBe('info');
  });

  it('takes TESSERA_* variables, MinIO aliases, and flags over both', () => {
    const env = {
      TESSERA_READ_HEADER_TIMEOUT: '10s',
      MINIO_READ_HEADER_TIMEOUT: '20s',
      MINIO_IDLE_TIMEOUT: '5s',
      TESSERA_STALL_TIMEOUT: '2m',
      TESSERA_LOG_LEVEL: 'DEBUG',
    };
    expect(loadServerConfig({}, env)).toMatchObject({
      timeouts: { readHeaderMs: 10_000, idleMs: 5_000, stallMs: 120_000 },
      logLevel: 'debug',
    });
    expect(loadServerConfig({ stallTimeout: '0', logLevel: 'error' }, env)).toMatchObject({
      timeouts: { stallMs: 0 },
      logLevel: 'error',
    });
  });

  it('refuses an unknown log level', () => {
    expect(() => loadServerConfig({}, { TESSERA_LOG_LEVEL: 'loud' })).toThrow(/TESSERA_LOG_LEVEL/);
  });
});

describe('Prometheus access in the server configuration', () => {
  it('defaults to jwt; TESSERA_PROMETHEUS_AUTH_TYPE or MINIO_PROMETHEUS_AUTH_TYPE set public; others refused', () => {
    expect(loadServerConfig({}, {}).prometheusAuthType).toBe('jwt');
    expect(loadServerConfig({}, { MINIO_PROMETHEUS_AUTH_TYPE: 'public' }).prometheusAuthType).toBe('public');
    const both = { TESSERA_PROMETHEUS_AUTH_TYPE: 'jwt', MINIO_PROMETHEUS_AUTH_TYPE: 'public' };
    expect(loadServerConfig({}, both).prometheusAuthType).toBe('jwt');
    expect(() => loadServerConfig({}, { TESSERA_PROMETHEUS_AUTH_TYPE: 'open' })).toThrow(
      /TESSERA_PROMETHEUS_AUTH_TYPE must be jwt or public/,
    );
  });
});

describe('Object Ownership of new buckets in the server configuration', () => {
  it('defaults to BucketOwnerEnforced; TESSERA_DEFAULT_OBJECT_OWNERSHIP chooses another; others refused', () => {
    expect(loadServerConfig({}, {}).defaultObjectOwnership).toBe('BucketOwnerEnforced');
    const writer = { TESSERA_DEFAULT_OBJECT_OWNERSHIP: 'ObjectWriter' };
    expect(loadServerConfig({}, writer).defaultObjectOwnership).toBe('ObjectWriter');
    const preferred = { TESSERA_DEFAULT_OBJECT_OWNERSHIP: 'bucketownerpreferred' };
    expect(loadServerConfig({}, preferred).defaultObjectOwnership).toBe('BucketOwnerPreferred');
    expect(() => loadServerConfig({}, { TESSERA_DEFAULT_OBJECT_OWNERSHIP: 'Nobody' })).toThrow(
      /TESSERA_DEFAULT_OBJECT_OWNERSHIP must be/,
    );
  });
});

describe('createLog', () => {
  function capture(level: Parameters<typeof createLog>[0]) {
    const lines: string[] = [];
    const log = createLog(level, ['super-secret-value', undefined, 'short'], (l) => lines.push(l));
    return { log, lines: () => lines.map((l) => JSON.parse(l) as Record<string, string>) };
  }

  it('writes errors with their stack at every level, debug notes only at debug, never with a stack', () => {
    for (const level of ['error', 'info', 'debug'] as const) {
      const { log, lines } = capture(level);
      log('internal error (request R1)', new Error('boom'));
      log('client disconnected: ECONNRESET (request R2)', new DebugNote());
      const written = lines();
      expect(written[0]).toMatchObject({ level: 'error', message: 'internal error (request R1)' });
      expect(written[0]!.detail).toMatch(/Error: boom\n\s+at /);
      expect(written.length).toBe(level === 'debug' ? 2 : 1);
      if (level === 'debug')
        expect(written[1]).toEqual({
          level: 'debug',
          time: expect.any(String),
          message: 'client disconnected: ECONNRESET (request R2)',
        });
    }
  });

  it('masks known secrets wherever they appear', () => {
    const { log, lines } = capture('debug');
    log('failed for super-secret-value', new Error('key super-secret-value rejected'));
    expect(JSON.stringify(lines())).not.toContain('super-secret-value');
    expect(lines()[0]!.message).toBe('failed for [redacted]');
  });
});
