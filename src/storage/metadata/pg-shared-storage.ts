import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { FsBlobStore } from '../blob/fs-blob-store.js';
import { storagePaths } from '../embedded.js';
import { type MinFreeSpace, SpaceGuard } from '../free-space.js';
import { openPgIamStore } from '../iam/pg-iam-open.js';
import type { Storage } from '../open.js';
import { openPgMetadataStore } from './pg-meta-open.js';
import type { PgMetadataStore } from './pg-meta-store.js';

export interface SharedStorageOptions {
  /** `postgres://user:password@host:port/database?sslmode=…`: the metadata and IAM tables. */
  url: string;
  /** The data directory on the shared filesystem: blobs in `<dataDir>/.tessera/blobs`. */
  dataDir: string;
  /** Connections at most per pool (metadata and IAM each; default 10). */
  poolSize?: number;
  /** A PEM file of the CA(s) that sign the database's certificate (verified, host name included). */
  tlsCaFile?: string;
  /** Milliseconds a writer waits for another's lock before SlowDown (default 10 s). */
  lockTimeoutMs?: number;
  minFreeSpace?: MinFreeSpace;
}

/**
 * Shared mode (docs/shared-mode.md): the metadata and IAM stores in one PostgreSQL database, the
 * blobs in a data directory that every server mounts. Opened through openStorage({ kind:
 * 'postgres', … }); the driver is loaded only then.
 *
 * recover() does not collect unreferenced blobs here: another server may be writing a blob it
 * has not committed yet, and the data directory's temporary files are other servers' uploads in
 * progress. collectOrphans(graceMs) removes only those older than a grace period, and runs
 * periodically on the holder of the `blob-gc` lease (src/cli/compose.ts).
 */
export async function openSharedStorage(o: SharedStorageOptions): Promise<Storage> {
  const paths = storagePaths(o.dataDir);
  await mkdir(paths.root, { recursive: true });
  const ssl: ConnectionOptions | undefined =
    o.tlsCaFile === undefined ? undefined : { ca: readFileSync(o.tlsCaFile, 'utf8') };
  const pool = {
    url: ssl === undefined ? o.url : withoutSslMode(o.url),
    ...(o.poolSize === undefined ? {} : { poolSize: o.poolSize }),
    ...(ssl === undefined ? {} : { ssl }),
    ...(o.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: o.lockTimeoutMs }),
  };
  const blobs = await FsBlobStore.open(paths.root);
  const metadata = await openPgMetadataStore(pool);
  let iam: Awaited<ReturnType<typeof openPgIamStore>>;
  try {
    iam = await openPgIamStore(pool);
  } catch (e) {
    await metadata.close();
    throw e;
  }
  const space = new SpaceGuard({
    dir: paths.root,
    ...(o.minFreeSpace === undefined ? {} : { minFree: o.minFreeSpace }),
  });
  return {
    metadata,
    blobs,
    iam,
    space,
    recover: async () => {
      await space.keepReserve();
      return 0;
    },
    leases: metadata.leases,
    collectOrphans: (graceMs) => collectOrphans(blobs, metadata, paths.tmp, graceMs),
    close: async () => {
      await Promise.all([iam.close(), metadata.close()]);
    },
  };
}

/**
 * Removes temporary files and blobs no object or part references, when last modified more than
 * `graceMs` ago. A blob is published (renamed out of tmp/) when its bytes are written and is
 * committed right after, so one older than the grace period that nothing references is an
 * orphan. Listed first, checked against the database after: a reference committed meanwhile
 * keeps it. Returns how many files it removed.
 */
async function collectOrphans(
  blobs: FsBlobStore,
  metadata: PgMetadataStore,
  tmp: string,
  graceMs: number,
): Promise<number> {
  const cutoff = Date.now() - graceMs;
  let removed = 0;
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const st = await stat(join(tmp, name)).catch(() => undefined);
    if (st === undefined || st.mtimeMs >= cutoff) continue;
    await rm(join(tmp, name), { force: true, recursive: true });
    removed++;
  }
  for (let i = 0; i < 256; i++) {
    const old = (await blobs.listShard(i.toString(16).padStart(2, '0')))
      .filter((b) => b.modifiedAt < cutoff)
      .map((b) => b.blobId);
    for (let at = 0; at < old.length; at += 500) {
      const orphans = await metadata.unreferencedBlobIds(old.slice(at, at + 500));
      if (orphans.length === 0) continue;
      await blobs.delete(orphans);
      removed += orphans.length;
    }
  }
  return removed;
}

/**
 * The URL without its TLS parameters, for use with an explicit CA: node-postgres lets the URL's
 * `sslmode` replace the `ssl` option (dropping the CA). With a CA the connection is always TLS,
 * verified against it with the host name checked (libpq's verify-full), so a URL asking for
 * less than TLS is a configuration error.
 */
export function withoutSslMode(url: string): string {
  const u = new URL(url);
  const mode = u.searchParams.get('sslmode');
  if (mode !== null && !['require', 'verify-ca', 'verify-full'].includes(mode))
    throw new Error(`TESSERA_METADATA_TLS_CA needs TLS, but the URL says sslmode=${mode}`);
  for (const p of ['sslmode', 'ssl', 'sslrootcert']) u.searchParams.delete(p);
  return u.toString();
}
