import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTesseraError } from '../core/index.js';
import { loadMasterKey, parseMasterKey } from './master-key.js';
import { SecretBox } from './secret-box.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-master-key-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const keyValue = (id = 'my-key') => `${id}:${randomBytes(32).toString('base64')}`;

describe('master key', () => {
  it('comes from TESSERA_KMS_SECRET_KEY, or MinIO’s alias, in MinIO’s key-name:base64 format', () => {
    const value = keyValue();
    const key = loadMasterKey(join(root, 'unused'), { TESSERA_KMS_SECRET_KEY: value });
    expect(key).toMatchObject({ id: 'my-key', source: 'environment' });
    expect(key.key).toHaveLength(32);
    expect(loadMasterKey(join(root, 'unused'), { MINIO_KMS_SECRET_KEY: value }).key).toEqual(key.key);
  });

  it('rejects a malformed key without echoing it', () => {
    for (const bad of ['nokey', ':AAAA', `k:${randomBytes(16).toString('base64')}`, 'k:not base64!']) {
      expect(() => parseMasterKey(bad)).toThrow(/key-name:base64/);
      try {
        parseMasterKey(bad);
      } catch (e) {
        const secretPart = bad.slice(bad.indexOf(':') + 1);
        if (secretPart.length > 6) expect((e as Error).message).not.toContain(secretPart);
      }
    }
  });

  it('otherwise creates <dataDir>/.tessera/master.key once, mode 0600, and reads it back', () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const first = loadMasterKey(dataDir, {});
    const file = join(dataDir, '.tessera', 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.source).toBe('file');
    const again = loadMasterKey(dataDir, {});
    expect(again.key).toEqual(first.key);
    expect(again.id).toBe(first.id);
    expect(readFileSync(file, 'utf8')).toMatch(/^tessera-[0-9a-f]{8}:/);
  });

  it('uses an existing key file (another process won the race)', () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    loadMasterKey(dataDir, {}); // creates .tessera
    const value = keyValue('other');
    writeFileSync(join(dataDir, '.tessera', 'master.key'), value);
    expect(loadMasterKey(dataDir, {}).id).toBe('other');
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(parseMasterKey(keyValue('k1')));

  it('round-trips, with a fresh IV each time, naming the key id', () => {
    const a = box.encrypt('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'user::alice');
    const b = box.encrypt('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'user::alice');
    expect(a).not.toBe(b);
    expect(a.startsWith('v1:k1:')).toBe(true);
    expect(a).not.toContain('wJalr');
    expect(box.decrypt(a, 'user::alice')).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });

  it('fails with InternalError (no secret in the message) for another row, another key or altered data', () => {
    const ct = box.encrypt('secret-value-123', 'user::alice');
    const other = new SecretBox(parseMasterKey(keyValue('k1')));
    const renamed = new SecretBox(parseMasterKey(keyValue('k2')));
    // One character changed (never to itself: that would leave the ciphertext intact).
    const at = ct.length - 2;
    const tampered = `${ct.slice(0, at)}${ct[at] === 'A' ? 'B' : 'A'}${ct.slice(at + 1)}`;
    const attempts = [
      () => box.decrypt(ct, 'user::bob'),
      () => other.decrypt(ct, 'user::alice'),
      () => renamed.decrypt(ct, 'user::alice'),
      () => box.decrypt(tampered, 'user::alice'),
      () => box.decrypt('garbage', 'user::alice'),
    ];
    for (const attempt of attempts) {
      try {
        attempt();
        expect.unreachable();
      } catch (e) {
        expect(isTesseraError(e, 'InternalError')).toBe(true);
        expect((e as Error).message).not.toContain('secret-value');
      }
    }
  });
});
