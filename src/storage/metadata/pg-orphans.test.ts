import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Postgres, postgresMissing, startPostgres } from '../../../test/helpers/postgres.js';
import { blobObject, bucket } from '../contract/fixtures.js';
import { openStorage, type Storage } from '../open.js';

// Shared mode's collection of orphans (pg-shared-storage.ts collectOrphans): only files older
// than the grace period that nothing references. In CI a missing PostgreSQL fails, never skips.
const missing = postgresMissing();
const HOUR = 3_600_000;

describe.skipIf(missing !== undefined)('shared storage: collectOrphans', () => {
  let cluster: Postgres;
  let dataDir: string;
  let storage: Storage;

  beforeAll(async () => {
    cluster = await startPostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-orphans-'));
    storage = await openStorage({ kind: 'postgres', url: await cluster.createDatabase('orphans'), dataDir });
  }, 60_000);
  afterAll(async () => {
    await storage?.close();
    await cluster?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  const blobPath = (id: string) => join(dataDir, '.tessera', 'blobs', id.slice(0, 2), id);
  const age = (path: string, ms: number) => {
    const t = (Date.now() - ms) / 1000;
    utimesSync(path, t, t);
  };

  it('removes old unreferenced blobs and tmp files; keeps referenced and young ones', async () => {
    const write = async () => (await storage.blobs.write(Readable.from([Buffer.from('bytes')]))).blobId;
    const [kept, oldOrphan, youngOrphan] = [await write(), await write(), await write()];
    await storage.metadata.createBucket(bucket('b'));
    await storage.metadata.putObject(blobObject('b', 'k', [{ blobId: kept, size: 5 }]));
    age(blobPath(kept), 2 * HOUR);
    age(blobPath(oldOrphan), 2 * HOUR);
    const tmp = join(dataDir, '.tessera', 'tmp');
    writeFileSync(join(tmp, 'old-upload'), 'x');
    writeFileSync(join(tmp, 'upload-in-progress'), 'x');
    age(join(tmp, 'old-upload'), 2 * HOUR);

    expect(storage.leases).toBeDefined();
    expect(await storage.collectOrphans!(HOUR)).toBe(2);
    expect(existsSync(blobPath(kept))).toBe(true);
    expect(existsSync(blobPath(oldOrphan))).toBe(false);
    expect(existsSync(blobPath(youngOrphan))).toBe(true);
    expect(existsSync(join(tmp, 'old-upload'))).toBe(false);
    expect(existsSync(join(tmp, 'upload-in-progress'))).toBe(true);
    // recover() at start-up still removes nothing in shared mode.
    expect(await storage.recover()).toBe(0);
    expect(existsSync(blobPath(youngOrphan))).toBe(true);
  });
});
