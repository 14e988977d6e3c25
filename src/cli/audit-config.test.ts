import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MultiTarget } from '../audit/index.js';
import {
  auditFileSettings,
  auditNodeId,
  auditSecrets,
  auditSettings,
  openAuditTargets,
  parseSize,
} from './audit-config.js';

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

  it("reads webhook targets: the unnamed one, named ones, and MinIO's names", () => {
    const s = auditSettings({
      TESSERA_AUDIT_WEBHOOK_ENDPOINT: 'http://127.0.0.1:9/a',
      TESSERA_AUDIT_WEBHOOK_AUTH_TOKEN: 'tok-abcdefgh',
      TESSERA_AUDIT_WEBHOOK_FORMAT: 'splunk',
      TESSERA_AUDIT_WEBHOOK_BATCH_SIZE: '50',
      TESSERA_AUDIT_WEBHOOK_QUEUE_DIR: '/q/a',
      TESSERA_AUDIT_WEBHOOK_QUEUE_SIZE: '1000',
      MINIO_AUDIT_WEBHOOK_ENABLE_ES: 'on',
      MINIO_AUDIT_WEBHOOK_ENDPOINT_ES: 'http://127.0.0.1:9/_bulk',
      MINIO_AUDIT_WEBHOOK_AUTH_TOKEN_ES: 'Basic dXNlcjpwYXNz',
      MINIO_AUDIT_WEBHOOK_BATCH_SIZE_ES: '10',
      MINIO_AUDIT_WEBHOOK_QUEUE_DIR_ES: '/q/es',
      MINIO_AUDIT_WEBHOOK_QUEUE_SIZE_ES: '20',
      TESSERA_AUDIT_WEBHOOK_FORMAT_ES: 'elasticsearch',
      TESSERA_AUDIT_WEBHOOK_INDEX_ES: 'audit-es',
      MINIO_AUDIT_WEBHOOK_ENABLE_OFF: 'off',
      MINIO_AUDIT_WEBHOOK_ENDPOINT_OFF: 'http://127.0.0.1:9/off',
    });
    expect(s.webhooks).toEqual([
      {
        name: '',
        endpoint: 'http://127.0.0.1:9/a',
        authToken: 'tok-abcdefgh',
        format: 'splunk',
        batchSize: 50,
        queueDir: '/q/a',
        queueSize: 1000,
      },
      {
        name: 'ES',
        endpoint: 'http://127.0.0.1:9/_bulk',
        authToken: 'Basic dXNlcjpwYXNz',
        format: 'elasticsearch',
        index: 'audit-es',
        batchSize: 10,
        queueDir: '/q/es',
        queueSize: 20,
      },
    ]);
    expect(auditSettings({ MINIO_AUDIT_WEBHOOK_ENDPOINT: 'http://h/x' }).webhooks[0]).toMatchObject({
      format: 'json',
      batchSize: 1,
      queueSize: 100_000,
    });
    expect(() => auditSettings({ TESSERA_AUDIT_WEBHOOK_ENDPOINT: 'nope' })).toThrow(/must be a URL/);
    expect(() =>
      auditSettings({ TESSERA_AUDIT_WEBHOOK_ENDPOINT: 'http://h/', TESSERA_AUDIT_WEBHOOK_FORMAT: 'xml' }),
    ).toThrow(/FORMAT must be one of/);
    expect(() =>
      auditSettings({
        TESSERA_AUDIT_WEBHOOK_ENDPOINT_X: 'http://h/',
        TESSERA_AUDIT_WEBHOOK_BATCH_SIZE_X: '0',
      }),
    ).toThrow(/BATCH_SIZE/);
  });

  it('reads the NATS target, and lists every secret for the log to mask', () => {
    const s = auditSettings({
      TESSERA_AUDIT_NATS_ADDRESS: 'nats://127.0.0.1:4222, 127.0.0.1:4223',
      TESSERA_AUDIT_NATS_SUBJECT: 'audit.x',
      TESSERA_AUDIT_NATS_STREAM: 'AUDIT_X',
      TESSERA_AUDIT_NATS_USERNAME: 'u',
      TESSERA_AUDIT_NATS_PASSWORD: 'nats-password-1',
      TESSERA_AUDIT_NATS_TOKEN: 'nats-token-1',
      TESSERA_AUDIT_NATS_QUEUE_DIR: '/q/n',
      TESSERA_AUDIT_WEBHOOK_ENDPOINT: 'http://h/',
      TESSERA_AUDIT_WEBHOOK_AUTH_TOKEN: 'hook-token-1',
    });
    expect(s.nats).toEqual({
      servers: ['nats://127.0.0.1:4222', '127.0.0.1:4223'],
      subject: 'audit.x',
      stream: 'AUDIT_X',
      username: 'u',
      password: 'nats-password-1',
      token: 'nats-token-1',
      queueDir: '/q/n',
      queueSize: 100_000,
    });
    expect(auditSecrets(s)).toEqual(['hook-token-1', 'nats-password-1', 'nats-token-1']);
    expect(auditSettings({})).toEqual({ webhooks: [], checkpointEvery: 1000 });
  });

  it('opens every configured target as one fan-out, spools in the data directory by default', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-audit-cfg-'));
    const settings = auditSettings({
      TESSERA_AUDIT_FILE: join(dataDir, 'log'),
      TESSERA_AUDIT_WEBHOOK_ENDPOINT: 'http://127.0.0.1:9/a',
      TESSERA_AUDIT_WEBHOOK_ENDPOINT_TWO: 'http://127.0.0.1:9/b',
      TESSERA_AUDIT_NATS_ADDRESS: '127.0.0.1:9',
    });
    const key = { id: 'k1', key: new Uint8Array(32) };
    const t = openAuditTargets(settings, key, () => {}, { dataDir });
    expect(t).toBeInstanceOf(MultiTarget);
    expect((t as MultiTarget).targets.map((x) => x.name)).toEqual(['file', 'webhook', 'webhook-TWO', 'nats']);
    expect(t!.stats()).toEqual({ queued: 0, dropped: 0, written: 0 });
    await t!.close();
    expect(openAuditTargets(auditSettings({}), key, () => {}, { dataDir })).toBeUndefined();
  });
});
