import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMetadataStore } from '../../storage/index.js';
import { BuiltinKms, unsealKey } from './kms.js';

const store = new SqliteMetadataStore(join(mkdtempSync(join(tmpdir(), 'tessera-kms-')), 'meta.db'));
afterAll(() => store.close());

describe('the built-in KMS', () => {
  const master = { id: 'master-1', key: randomBytes(32) };
  const kms = new BuiltinKms(master, store);
  const aad = Buffer.from('object a');

  it('seals data keys under named keys that open only with the same key and AAD', async () => {
    expect(await kms.createKey('k1', 1)).toBe(true);
    expect(await kms.createKey('k1', 2)).toBe(false);
    const dk = await kms.generateDataKey('k1', aad);
    expect((await kms.decrypt('k1', dk.sealed, aad)).equals(dk.plain)).toBe(true);
    await expect(kms.decrypt('k1', dk.sealed, Buffer.from('object b'))).rejects.toMatchObject({
      code: 'InternalError',
    });
    await expect(kms.decrypt(master.id, dk.sealed, aad)).rejects.toMatchObject({ code: 'InternalError' });
    // Another master key derives other key-encryption keys.
    const other = new BuiltinKms({ id: 'master-1', key: randomBytes(32) }, store);
    await expect(other.decrypt('k1', dk.sealed, aad)).rejects.toMatchObject({ code: 'InternalError' });
    expect(unsealKey(randomBytes(32), dk.sealed, aad)).toBeUndefined();
    await expect(kms.generateDataKey('missing', aad)).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('lists keys by pattern, the default key first; refuses bad names', async () => {
    await kms.createKey('team.a', 3);
    expect((await kms.listKeys()).map((k) => k.name)).toEqual(['master-1', 'k1', 'team.a']);
    expect((await kms.listKeys('team.*')).map((k) => k.name)).toEqual(['team.a']);
    expect((await kms.listKeys('k?')).map((k) => k.name)).toEqual([]);
    await expect(kms.createKey('a/b', 4)).rejects.toMatchObject({ code: 'XMinioAdminInvalidArgument' });
    expect(await kms.keyStatus('k1')).toEqual({ encryptionOk: true, decryptionOk: true });
  });
});
