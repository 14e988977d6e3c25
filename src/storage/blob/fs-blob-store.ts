import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { BlobHandle, BlobInfo, BlobStore, BlobWriteResult } from '../types.js';
import { FsBlobHandle } from './fs-blob-handle.js';

const openFd = promisify(fs.open);
const fstat = promisify(fs.fstat);
const closeFd = promisify(fs.close);

/**
 * Blob ids are 128 random bits in lower-case hex: URL-safe, and safe on case-insensitive file
 * systems (base64url ids could collide there). The first two characters name the shard folder.
 */
const BLOB_ID = /^[0-9a-f]{32}$/;

export function newBlobId(): string {
  return randomBytes(16).toString('hex');
}

function enoent(blobId: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such blob '${blobId}'`), { code: 'ENOENT' });
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** fsyncs a directory so that a rename or create inside it survives power loss. */
export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } catch (e) {
    // Some platforms cannot fsync a directory; there the rename is as durable as it gets.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes(code(e) ?? '')) throw e;
  } finally {
    await dir.close();
  }
}

/** Bytes written between background fdatasyncs, so that the final fsync has little left to do. */
const SYNC_EVERY = 32 * 1024 * 1024;

/**
 * Writes the chunks of an iterable one at a time: a chunk is written in full before the next is
 * asked for, so the producer may reuse a chunk's memory once it is asked for the next one (the
 * slot ring of the threaded ingest relies on it). fdatasync runs in the background every
 * SYNC_EVERY bytes (overlapping the write-back with the upload); the file is fsynced before close.
 */
async function writeChunks(path: string, source: AsyncIterable<Uint8Array>): Promise<number> {
  const file = await open(path, 'wx', 0o600);
  let size = 0;
  let synced = 0;
  let syncing: Promise<void> | undefined;
  try {
    for await (const chunk of source) {
      for (let at = 0; at < chunk.length; ) {
        const { bytesWritten } = await file.write(chunk, at, chunk.length - at, size);
        at += bytesWritten;
        size += bytesWritten;
      }
      if (size - synced >= SYNC_EVERY && syncing === undefined) {
        synced = size;
        syncing = file.datasync().finally(() => {
          syncing = undefined;
        });
      }
    }
    await syncing;
    await file.sync();
  } finally {
    await syncing?.catch(() => {});
    await file.close();
  }
  return size;
}

/** Bytes the blob writer buffers before it asks its source to wait. */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Blobs as files: `<root>/blobs/<2 hex>/<id>`, written through `<root>/tmp/<random>`.
 * A blob is immutable once written; the metadata store decides when it is garbage.
 * @example const blobs = await FsBlobStore.open(join(dataDir, '.tessera'));
 */

export class FsBlobStore implements BlobStore {
  readonly #blobs: string;
  readonly #tmp: string;

  private constructor(root: string) {
    this.#blobs = join(root, 'blobs');
    this.#tmp = join(root, 'tmp');
  }

  /** Creates `<root>/blobs` and `<root>/tmp` if needed. */
  static async open(root: string): Promise<FsBlobStore> {
    const store = new FsBlobStore(root);
    await mkdir(store.#blobs, { recursive: true });
    await mkdir(store.#tmp, { recursive: true });
    await syncDirectory(root);
    return store;
  }

  /**
   * Streams `source` into a temporary file (bounded memory: backpressure, no buffering), fsyncs
   * it, renames it into place and fsyncs the folder. An iterable that is not a Readable is written
   * chunk by chunk, each in full before the next is asked for (see writeChunks). On a source
   * error the temporary file is removed and the source's error is rethrown.
   */
  async write(source: Readable | AsyncIterable<Uint8Array>): Promise<BlobWriteResult> {
    const tmpPath = join(this.#tmp, randomBytes(16).toString('hex'));
    let size: number;
    try {
      if (source instanceof Readable) {
        // flush: fsync before close, so the bytes are on disk before the rename publishes them.
        // A large buffer keeps writes few and big while the hashes upstream run.
        const sink = fs.createWriteStream(tmpPath, {
          flags: 'wx',
          mode: 0o600,
          flush: true,
          highWaterMark: WRITE_HIGH_WATER_MARK,
        });
        await pipeline(source, sink);
        size = sink.bytesWritten;
      } else {
        size = await writeChunks(tmpPath, source);
      }
    } catch (e) {
      await rm(tmpPath, { force: true });
      throw e;
    }
    const blobId = newBlobId();
    await this.#publish(tmpPath, blobId);
    return { blobId, size };
  }

  async #publish(tmpPath: string, blobId: string): Promise<void> {
    const shard = join(this.#blobs, blobId.slice(0, 2));
    try {
      await rename(tmpPath, join(shard, blobId));
    } catch (e) {
      if (code(e) !== 'ENOENT') {
        await rm(tmpPath, { force: true });
        throw e;
      }
      await mkdir(shard, { recursive: true });
      await syncDirectory(this.#blobs);
      await rename(tmpPath, join(shard, blobId));
    }
    await syncDirectory(shard);
  }

  #path(blobId: string): string | undefined {
    return BLOB_ID.test(blobId) ? join(this.#blobs, blobId.slice(0, 2), blobId) : undefined;
  }

  async open(blobId: string): Promise<BlobHandle> {
    const path = this.#path(blobId);
    if (path === undefined) throw enoent(blobId);
    const fd = await openFd(path, 'r');
    try {
      const stat = await fstat(fd);
      return new FsBlobHandle(fd, stat.size);
    } catch (e) {
      await closeFd(fd);
      throw e;
    }
  }

  async delete(blobIds: string[]): Promise<void> {
    await Promise.all(
      blobIds.map(async (blobId) => {
        const path = this.#path(blobId);
        if (path === undefined) return;
        try {
          await unlink(path);
        } catch (e) {
          if (code(e) !== 'ENOENT') throw e;
        }
      }),
    );
  }

  async listShard(shard: string): Promise<BlobInfo[]> {
    if (!/^[0-9a-f]{2}$/.test(shard)) return [];
    const dir = join(this.#blobs, shard);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if (code(e) === 'ENOENT') return [];
      throw e;
    }
    const out: BlobInfo[] = [];
    for (const name of names.sort()) {
      try {
        const st = await stat(join(dir, name));
        // Anything that is not a blob file (a stray folder) is not a blob.
        if (st.isFile()) out.push({ blobId: name, size: st.size, modifiedAt: st.mtimeMs });
      } catch (e) {
        if (code(e) !== 'ENOENT') throw e; // deleted meanwhile
      }
    }
    return out;
  }

  /**
   * Removes every temporary file and every blob not in `referenced`. Only safe while nothing
   * writes: the primary process runs it at start-up, before the workers start.
   */
  async collectGarbage(referenced: Set<string>): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.#tmp)) {
      await rm(join(this.#tmp, name), { force: true, recursive: true });
      removed++;
    }
    for (const shard of await readdir(this.#blobs, { withFileTypes: true })) {
      if (!shard.isDirectory()) continue;
      const dir = join(this.#blobs, shard.name);
      for (const name of await readdir(dir)) {
        if (referenced.has(name)) continue;
        await rm(join(dir, name), { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }
}
