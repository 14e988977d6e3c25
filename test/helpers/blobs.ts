import { closeSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The blob file of a data directory that has `size` bytes (each test object has a size of its own). */
export function blobBySize(dataDir: string, size: number): string {
  const root = join(dataDir, '.tessera', 'blobs');
  for (const shard of readdirSync(root)) {
    for (const name of readdirSync(join(root, shard))) {
      const path = join(root, shard, name);
      if (statSync(path).size === size) return path;
    }
  }
  throw new Error(`no blob of ${size} bytes`);
}

/** Inverts one byte of a file in place (same size, other bytes). */
export function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, at);
  one[0] = one[0]! ^ 0xff;
  writeSync(fd, one, 0, 1, at);
  closeSync(fd);
}
