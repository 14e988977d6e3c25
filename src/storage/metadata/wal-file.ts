import { type FileHandle, open, stat } from 'node:fs/promises';

function isMissing(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ENOENT';
}

/**
 * A database's `-wal` file, opened for fdatasync only (it never writes). fdatasync works on the
 * file, not the descriptor: it flushes what every connection and process wrote to it.
 *
 * The WAL keeps its inode while any connection is open (a checkpoint's reset rewrites it from
 * the start, TRUNCATE and journal_size_limit truncate it in place; only the last connection's
 * close deletes it), so one descriptor serves for the connection's life. Each sync still checks
 * the path's inode, in parallel with the fdatasync, and reopens and syncs again if it changed.
 * A missing file means the WAL was checkpointed and deleted: there is nothing left to sync.
 * @example const wal = new WalFile(`${dbFile}-wal`); db.run(...); await wal.sync();
 */
export class WalFile {
  readonly #path: string;
  #handle: FileHandle | undefined;
  #ino = -1;
  #closed = false;

  constructor(path: string) {
    this.#path = path;
  }

  /** fdatasync of the WAL: resolves once everything written to it before the call is on disk. */
  async sync(): Promise<void> {
    const handle = this.#handle ?? (await this.#open());
    if (handle === undefined) return;
    const [, now] = await Promise.all([handle.datasync(), this.#inode()]);
    if (now === this.#ino || now === undefined) return;
    await this.#close();
    await (await this.#open())?.datasync();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#close();
  }

  async #open(): Promise<FileHandle | undefined> {
    if (this.#closed) throw new Error(`${this.#path} is closed`);
    let handle: FileHandle;
    try {
      handle = await open(this.#path, 'r');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    this.#ino = (await handle.stat()).ino;
    this.#handle = handle;
    return handle;
  }

  async #inode(): Promise<number | undefined> {
    try {
      return (await stat(this.#path)).ino;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async #close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#ino = -1;
    await handle?.close();
  }
}
