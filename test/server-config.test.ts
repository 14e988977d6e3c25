import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { MAIN, startServer } from './helpers/server.js';

describe('root credentials', () => {
  it('generates strong credentials on first start, stores them 0600, prints them once, and reuses them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-root-'));
    try {
      const env = {
        TESSERA_ROOT_USER: undefined,
        TESSERA_ROOT_PASSWORD: undefined,
        MINIO_ROOT_USER: undefined,
        MINIO_ROOT_PASSWORD: undefined,
      };
      const first = await startServer({ dataDir, env, workers: 1 });
      const file = join(dataDir, '.tessera', 'root-credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const creds = JSON.parse(readFileSync(file, 'utf8')) as { accessKey: string; secretKey: string };
      expect(creds.accessKey).toHaveLength(20);
      expect(creds.secretKey).toHaveLength(40);
      expect(first.output()).toContain('WARNING');
      expect(first.output()).toContain(creds.secretKey);
      const s3 = new S3Client({
        endpoint: first.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey },
      });
      await s3.send(new ListBucketsCommand({}));
      s3.destroy();
      await first.stop();
      const second = await startServer({ dataDir, env, workers: 1 });
      expect(second.output()).not.toContain(creds.secretKey);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('accepts the MinIO variable names as aliases', async () => {
    const server = await startServer({
      workers: 1,
      env: {
        TESSERA_ROOT_USER: undefined,
        TESSERA_ROOT_PASSWORD: undefined,
        MINIO_ROOT_USER: 'minioadmin',
        MINIO_ROOT_PASSWORD: 'minioadmin',
      },
    });
    const s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' },
    });
    await s3.send(new ListBucketsCommand({}));
    s3.destroy();
    await server.stop();
  });

  it('rejects weak root credentials with a clear message', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-weak-'));
    for (const [user, password, message] of [
      ['ab', 'long-enough-secret', 'at least 3'],
      ['admin', 'short', 'at least 8'],
    ] as const) {
      const res = spawnSync(process.execPath, [MAIN, 'server', dataDir, '--address', '127.0.0.1:0'], {
        env: { ...process.env, TESSERA_ROOT_USER: user, TESSERA_ROOT_PASSWORD: password },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(res.status).toBe(1);
      expect(res.stderr).toContain(message);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('configuration file (TESSERA_CONFIG_ENV_FILE)', () => {
  it('reads settings from the file, under the environment; a bad file stops the server naming the line, not its value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-envfile-'));
    try {
      const file = join(dir, 'tessera.env');
      writeFileSync(
        file,
        '# settings\nexport MINIO_ROOT_USER=fileadmin\nMINIO_ROOT_PASSWORD="file secret 123"\nTESSERA_REGION=eu-west-1\n',
      );
      const server = await startServer({
        workers: 1,
        env: {
          TESSERA_ROOT_USER: undefined,
          TESSERA_ROOT_PASSWORD: undefined,
          MINIO_ROOT_USER: undefined,
          MINIO_ROOT_PASSWORD: undefined,
          TESSERA_REGION: 'us-west-2',
          MINIO_CONFIG_ENV_FILE: file,
        },
      });
      const s3 = new S3Client({
        endpoint: server.endpoint,
        region: 'us-west-2',
        forcePathStyle: true,
        credentials: { accessKeyId: 'fileadmin', secretAccessKey: 'file secret 123' },
      });
      // Signed for us-west-2: the environment's region won over the file's.
      await s3.send(new ListBucketsCommand({}));
      s3.destroy();
      await server.stop();

      writeFileSync(file, 'TESSERA_REGION=eu-west-1\nTESSERA_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD hunter2\n');
      const res = spawnSync(
        process.execPath,
        [MAIN, 'server', join(dir, 'data'), '--address', '127.0.0.1:0'],
        {
          env: { ...process.env, TESSERA_CONFIG_ENV_FILE: file },
          encoding: 'utf8',
          timeout: 20_000,
        },
      );
      expect(res.status).toBe(1);
      expect(res.stderr).toContain(`${file}:2: expected NAME=value`);
      expect(res.stderr).not.toContain('hunter2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
